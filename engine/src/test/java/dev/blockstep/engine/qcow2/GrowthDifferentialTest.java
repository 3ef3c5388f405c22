package dev.blockstep.engine.qcow2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.event.EngineEventSink;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.format.Header;
import dev.blockstep.engine.qemuio.EngineIo;
import dev.blockstep.engine.testing.Qemu;
import dev.blockstep.trace.qemuio.QemuIoParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workloads big enough to make qemu create refcount blocks and grow the refcount table (small clusters
 * fill a refcount block's coverage quickly), and workloads split over several qemu-io sessions, where
 * every open resets free_cluster_index.
 */
class GrowthDifferentialTest {

    @TempDir
    Path dir;

    private static List<String> heavyScript(long seed, int cluster, long hostBytes) {
        Random r = new Random(seed);
        List<String> s = new ArrayList<>();
        long written = 0;
        long size = 2L << 30;
        while (written < hostBytes) {
            long len = (long) cluster * (64 + r.nextInt(4000));
            len = Math.min(len, 4L << 20);
            long off = (long) (r.nextDouble() * (size - len)) / 512 * 512;
            s.add("write -q -P 0x" + Integer.toHexString(1 + r.nextInt(255)) + " " + off + " " + len);
            written += len;
            int k = r.nextInt(10);
            if (k < 2) {
                s.add("discard -q " + (off / cluster * cluster) + " " + (len / 2 / cluster * cluster));
            } else if (k < 4) {
                s.add("write -q -z -u " + off + " " + (len / 3));
            } else if (k < 5) {
                s.add("write -q -z " + (off + len / 2) + " " + (len / 4));
            }
        }
        return s;
    }

    @Test
    void refcountTableGrowsByteIdenticallyWithSmallClusters() throws Exception {
        for (int cluster : new int[] {512, 1024}) {
            long host = cluster == 512 ? 24L << 20 : 80L << 20;
            List<String> script = heavyScript(cluster, cluster, host);
            var o = Differential.run(dir, "grow" + cluster, 2L << 30, cluster, script, false);
            assertEquals(-1, o.firstDifference(), "cluster " + cluster + ": images differ at byte 0x"
                    + Long.toHexString(o.firstDifference()) + " lengths " + o.qemuImage().length + "/"
                    + o.engineImage().length);
            assertEquals(o.qemuLines(), o.engineLines());
            assertEquals(0, o.engineCheckExit(), o.engineCheck());
            Header h = Header.parse(java.util.Arrays.copyOf(o.engineImage(), 4096), o.engineImage().length, "x");
            assertTrue(h.refcountTableClusters() > 1, "the workload must grow the refcount table, it has "
                    + h.refcountTableClusters() + " cluster(s)");
        }
    }

    @Test
    void everyQemuIoSessionStartsWithFreeClusterIndexZero() throws Exception {
        int cluster = 65536;
        Path q = dir.resolve("sessions-qemu.qcow2");
        Path e = dir.resolve("sessions-engine.qcow2");
        Qemu.img("create", "-q", "-f", "qcow2", q.toString(), "64M");
        Files.copy(q, e);
        List<List<String>> sessions = List.of(
                List.of("write -P 1 0 256k", "discard 0 64k", "discard 128k 64k", "write -P 2 256k 128k"),
                List.of("write -P 3 384k 64k", "write -P 4 512k 192k", "discard 64k 64k"),
                List.of("write -P 5 1M 128k", "write -z -u 256k 64k", "write -P 6 2M 64k"));
        for (List<String> session : sessions) {
            Qemu.ioStdin(q, String.join("\n", session) + "\n");
            EngineIo.run(HostFile.load(e), session).file().save(e);
        }
        byte[] a = Files.readAllBytes(q);
        byte[] b = Files.readAllBytes(e);
        assertEquals(a.length, b.length);
        assertTrue(java.util.Arrays.equals(a, b), "images differ after three sessions");
    }
}
