package dev.blockstep.engine.qcow2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.event.EngineEventSink;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qemuio.EngineIo;
import dev.blockstep.engine.testing.Qemu;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Frees that underflow a refcount, and compressed clusters, against qemu-io on the same bytes. */
class RefcountFailureTest {

    @TempDir
    Path dir;

    private record Both(Path qemu, List<String> engineOut, List<String> engineErr, Qemu.Result qemuResult,
                        byte[] engineBytes) {
    }

    private Both runBoth(byte[] image, String... commands) throws Exception {
        Path q = dir.resolve("q.qcow2");
        Files.write(q, image);
        EngineIo.Run run = EngineIo.run(HostFile.load(q), List.of(commands));
        List<String> args = new ArrayList<>(List.of("-f", "qcow2"));
        for (String c : commands) {
            args.add("-c");
            args.add(c);
        }
        args.add(q.toString());
        Qemu.Result r = Qemu.io(args.toArray(String[]::new));
        Path e = dir.resolve("e.qcow2");
        run.file().save(e);
        return new Both(q, run.out(), run.err(), r, Files.readAllBytes(e));
    }

    @Test
    void freeingAClusterWhoseRefcountIsZeroPrintsQemusLineAndChangesTheL2EntryAnyway() throws Exception {
        Path base = dir.resolve("base.qcow2");
        Qemu.img("create", "-q", "-f", "qcow2", base.toString(), "16M");
        Qemu.io("-f", "qcow2", "-c", "write -P 1 0 128k", base.toString());
        byte[] img = Files.readAllBytes(base);
        img[0x20000 + 2 * 5 + 1] = 0; // refcount of data cluster 5 (guest cluster 0) -> 0
        Both b = runBoth(img, "discard 0 64k", "write -P 2 256k 64k");
        assertEquals(List.of("qcow2_free_clusters failed: Invalid argument"), b.engineErr());
        assertEquals(b.qemuResult().stderr().strip(), String.join("\n", b.engineErr()));
        assertArrayEquals(Files.readAllBytes(b.qemu()), b.engineBytes());
    }

    @Test
    void compressedClustersAreReadBackAndRewrittenLikeQemu() throws Exception {
        for (int cluster : new int[] {512, 65536}) {
            Path base = dir.resolve("c" + cluster + ".qcow2");
            Qemu.img("create", "-q", "-f", "qcow2", "-o", "cluster_size=" + cluster, base.toString(), "16M");
            Qemu.io("-f", "qcow2", "-c", "write -c -P 7 0 " + cluster, "-c", "write -c -P 9 " + 2 * cluster + " "
                    + cluster, base.toString());
            Qcow2Driver d = Qcow2Driver.open(HostFile.load(base), "c", EngineEventSink.NONE);
            assertEquals(dev.blockstep.engine.qcow2.format.ClusterType.COMPRESSED,
                    d.imageView().l2().get(0).entry().type());
            EngineIo.Run read = EngineIo.run(HostFile.load(base), List.of("read -q -P 7 0 " + cluster));
            assertEquals(List.of(), read.out(), "cluster " + cluster);
            assertFalse(read.failed());
            Both b = runBoth(Files.readAllBytes(base), "write -P 1 100 200", "read -P 9 " + 2 * cluster + " " + cluster,
                    "write -P 2 " + (2 * cluster + 10) + " " + cluster);
            assertEquals(b.qemuResult().stderr(), String.join("", b.engineErr()));
            assertArrayEquals(Files.readAllBytes(b.qemu()), b.engineBytes(), "cluster " + cluster);
        }
    }

    @Test
    void zeroingACompressedClusterFreesItsBytesLikeQemu() throws Exception {
        Path base = dir.resolve("cz.qcow2");
        Qemu.img("create", "-q", "-f", "qcow2", base.toString(), "16M");
        Qemu.io("-f", "qcow2", "-c", "write -c -P 7 0 64k", "-c", "write -P 8 64k 64k", base.toString());
        Both b = runBoth(Files.readAllBytes(base), "write -z 0 64k", "write -P 9 128k 64k", "discard 64k 64k");
        assertEquals(b.qemuResult().stderr(), String.join("", b.engineErr()));
        assertArrayEquals(Files.readAllBytes(b.qemu()), b.engineBytes());
    }
}
