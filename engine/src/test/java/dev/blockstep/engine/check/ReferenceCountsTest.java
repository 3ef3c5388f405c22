package dev.blockstep.engine.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.format.ImageFormatException;
import dev.blockstep.engine.snapshot.HostClusterRow;
import dev.blockstep.engine.testing.Qemu;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReferenceCountsTest {

    @TempDir
    Path dir;

    private Path image(String name, String size, String... ioCommands) {
        Path img = dir.resolve(name);
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", img.toString(), size).exitCode());
        if (ioCommands.length > 0) {
            String[] args = new String[ioCommands.length * 2 + 3];
            args[0] = "-f";
            args[1] = "qcow2";
            for (int i = 0; i < ioCommands.length; i++) {
                args[2 + 2 * i] = "-c";
                args[3 + 2 * i] = ioCommands[i];
            }
            args[args.length - 1] = img.toString();
            assertEquals(0, Qemu.io(args).exitCode());
        }
        return img;
    }

    /** Reads qemu-img map's JSON for where each guest range lives on the host. */
    private static List<long[]> qemuMap(Path img) {
        String json = Qemu.img("map", "--output=json", img.toString()).stdout();
        Pattern p = Pattern.compile("\"start\": (\\d+), \"length\": (\\d+),.*?\"data\": true.*?\"offset\": (\\d+)");
        Matcher m = p.matcher(json);
        List<long[]> out = new java.util.ArrayList<>();
        while (m.find()) {
            out.add(new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))});
        }
        return out;
    }

    @Test
    void rolesAndGuestPointersMatchWhatQemuImgMapSays() throws Exception {
        Path img = image("roles.qcow2", "1G", "write -P 1 0 64k", "write -P 2 700M 128k", "write -P 3 5M 64k");
        ReferenceCounts rc = ReferenceCounts.of(HostFile.load(img));
        assertEquals(ClusterRole.HEADER, rc.cluster(0).role());
        assertEquals(ClusterRole.REFCOUNT_TABLE, rc.cluster(0x10000 / 65536).role());
        assertEquals(ClusterRole.REFCOUNT_BLOCK, rc.cluster(0x20000 / 65536).role());
        assertEquals(ClusterRole.L1, rc.cluster(0x30000 / 65536).role());
        List<long[]> map = qemuMap(img);
        assertEquals(3, map.size(), "qemu-img map data extents");
        for (long[] extent : map) {
            for (long g = 0; g < extent[1]; g += 65536) {
                long guest = (extent[0] + g) / 65536;
                HostClusterUse use = rc.cluster((extent[2] + g) / 65536);
                assertEquals(ClusterRole.DATA, use.role());
                assertEquals(List.of(guest), use.referencedBy());
                assertEquals(1, use.refcount());
                assertEquals(1, use.references());
            }
        }
        long l2Tables = rc.clusters().stream().filter(u -> u.role() == ClusterRole.L2).count();
        assertEquals(2, l2Tables, "guest offsets 0/5M and 700M live in two L2 tables");
        assertTrue(rc.result().clean());
    }

    @Test
    void aRaceAliasedClusterListsBothGuestClustersAndTheRefcountItLacks() throws Exception {
        Path img = image("aliased.qcow2", "16M", "write -P 0x11 0 64k", "write -z 0 64k");
        Qemu.io("-f", "qcow2", "-c", "aio_write -P 0x22 0 64k", "-c", "aio_write -z -u 0 64k",
                "-c", "aio_write -P 0x33 64k 64k", "-c", "aio_flush", img.toString());
        String qemuErr = Qemu.img("check", img.toString()).stderr();
        Matcher m = Pattern.compile("ERROR cluster (\\d+) refcount=(\\d+) reference=(\\d+)").matcher(qemuErr);
        assertTrue(m.find(), "qemu reports the aliasing: " + qemuErr);
        HostClusterUse use = ReferenceCounts.of(HostFile.load(img)).cluster(Long.parseLong(m.group(1)));
        assertEquals(Long.parseLong(m.group(2)), use.refcount());
        assertEquals(Long.parseLong(m.group(3)), use.references());
        assertEquals(use.references(), use.referencedBy().size());
        HostClusterRow row = ReferenceCounts.of(HostFile.load(img)).rows().stream()
                .filter(r -> r.hostCluster() == use.cluster()).findFirst().orElseThrow();
        assertTrue(row.aliased() && row.underCounted(), row.toString());
    }

    @Test
    void aLeakedClusterIsListedAsFreeWithItsRefcount() throws Exception {
        Path img = image("leak.qcow2", "16M", "write -P 1 0 64k", "write -P 2 64k 64k");
        ImagePatch.applyAll(img, ImagePatch.be64(0x40008, 0)); // drop guest cluster 1's L2 entry
        HostClusterUse use = ReferenceCounts.of(HostFile.load(img)).cluster(6);
        assertEquals(ClusterRole.FREE, use.role());
        assertEquals(1, use.refcount());
        assertEquals(0, use.references());
    }

    @Test
    void aLargeVirtualDiskWithFewClustersListsOnlyThoseClusters() throws Exception {
        Path img = image("big.qcow2", "2G", "write -P 1 1G 64k");
        HostFile file = HostFile.load(img);
        ReferenceCounts rc = ReferenceCounts.of(file);
        assertEquals(6, rc.clusters().size(), "header, refcount table, refcount block, L1, L2, data: " + rc.clusters());
        assertNull(rc.cluster(100));
    }

    @Test
    void garbageIsOneLineImageFormatExceptionNotACrash() throws Exception {
        HostFile f = new HostFile();
        f.write(0, new byte[] {0x51, 0x46, 0x49, (byte) 0xfb, 0, 0, 0, 3, 1, 2, 3});
        ImageFormatException e = assertThrows(ImageFormatException.class, () -> ReferenceCounts.of(f));
        assertEquals(1, e.getMessage().lines().count());
        Path raw = dir.resolve("raw");
        Files.write(raw, new byte[4096]);
        assertThrows(ImageFormatException.class, () -> ReferenceCounts.of(HostFile.load(raw)));
    }
}
