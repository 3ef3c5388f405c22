package dev.blockstep.engine.race;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.explore.Qcow2Scenarios;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.session.Engine;
import dev.blockstep.engine.session.Workload;
import dev.blockstep.engine.testing.Qemu;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generic layer's split of a discard or write-zeroes into an unaligned head, whole clusters and an
 * unaligned tail (bdrv_co_pdiscard, bdrv_co_do_pwrite_zeroes), through the coroutine engine, against real
 * qemu-io 7.2 on the same qemu-img-created image: the files must end byte for byte the same.
 */
class ClusterSplitQemuTest {
    @TempDir
    Path dir;

    private void sameAsQemu(String clusterSize, String script) throws Exception {
        Path q = dir.resolve("qemu.qcow2");
        Qemu.Result c = Qemu.img("create", "-q", "-f", "qcow2", "-o", "cluster_size=" + clusterSize, q.toString(),
                "4M");
        assertEquals(0, c.exitCode(), c.stderr());
        HostFile start = HostFile.load(q);
        Qemu.Result r = Qemu.ioStdin(q, script);
        assertEquals(0, r.exitCode(), r.stderr());
        Engine e = new Engine(new Workload(start, "engine.qcow2", Qcow2Scenarios.parse(script), FixVariant.NONE, Policies::fifo));
        e.runToEnd();
        Path mine = dir.resolve("engine.qcow2");
        e.file().save(mine);
        byte[] want = Files.readAllBytes(q);
        byte[] got = Files.readAllBytes(mine);
        assertEquals(want.length, got.length, "file length after:\n" + script);
        assertEquals(-1, Arrays.mismatch(want, got), "first differing byte after:\n" + script);
    }

    @Test
    void unalignedDiscardsLeaveTheBytesQemuLeaves() throws Exception {
        sameAsQemu("65536", """
                write -P 0x11 0 1M
                discard 32k 192k
                discard 300k 40k
                discard 512k 64k
                discard 640k 100k
                """);
    }

    @Test
    void unalignedZeroWritesLeaveTheBytesQemuLeaves() throws Exception {
        sameAsQemu("65536", """
                write -P 0x11 0 1M
                write -z -u 32k 192k
                write -z 300k 200k
                write -z -u 512k 64k
                write -z -u 700k 10k
                """);
    }

    @Test
    void unalignedRequestsOnSmallClustersLeaveTheBytesQemuLeaves() throws Exception {
        sameAsQemu("4096", """
                write -P 0x11 0 64k
                discard 1k 10k
                write -z -u 13k 9k
                write -z 30k 5k
                aio_write -z -u 40k 20k
                aio_flush
                """);
    }
}
