package dev.blockstep.engine.qcow2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.event.EngineEventSink;
import dev.blockstep.engine.testing.Qemu;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver's lock-held operations interleaved by hand the way qemu interleaves the racing pair R1 and R2
 * (facts §5.2): the images must be the ones qemu leaves, byte for byte, and qemu-img check must report the
 * same corruption.
 */
class RaceOperationsTest {

    @TempDir
    Path dir;

    private Qcow2Driver zeroAllocImage(Path base) throws Exception {
        Qemu.img("create", "-q", "-f", "qcow2", base.toString(), "16M");
        Qemu.io("-f", "qcow2", "-c", "write -P 0x11 0 64k", "-c", "write -z 0 64k", base.toString());
        return Qcow2Driver.open(dev.blockstep.engine.image.HostFile.load(base), "r", EngineEventSink.NONE);
    }

    private static byte[] filled(int b) {
        byte[] d = new byte[65536];
        Arrays.fill(d, (byte) b);
        return d;
    }

    @Test
    void zeroWithUnmapDuringTheWritersLockDropLeavesQemusR1Image() throws Exception {
        Path q = dir.resolve("r1-qemu.qcow2");
        Qcow2Driver d = zeroAllocImage(q);
        int w = 1;
        int z = 2;
        // W: lock, qcow2_alloc_host_offset -> handle_copied reuses H = 0x50000 with a keep_old L2Meta; unlock
        AllocResult.Allocated a = (AllocResult.Allocated) d.clusters().allocHostOffset(w, 0, 65536);
        assertEquals(0x50000, a.hostOffset());
        assertEquals(1, a.metas().size());
        assertTrue(a.metas().get(0).keepOld);
        // W: unlocked data write lands
        d.writeData(w, a.hostOffset(), filled(0x22), 0, 65536);
        // Z: lock, zeroize with MAY_UNMAP: g0 := 0x1, H freed and punched; unlock
        assertTrue(d.pwriteZeroes(z, 0, 65536, true));
        // W: relock, link_l2 relinks g0 := H|COPIED although H is free
        d.clusters().linkL2Entries(w, a.metas().get(0));
        d.retire(w, a.metas().get(0));
        Qemu.io("-f", "qcow2", "-c", "aio_write -P 0x22 0 64k", "-c", "aio_write -z -u 0 64k", "-c", "aio_flush",
                q.toString());
        Path e = dir.resolve("r1-engine.qcow2");
        d.file().save(e);
        assertTrue(Arrays.equals(Files.readAllBytes(q), Files.readAllBytes(e)), "R1 image differs from qemu's");
        var check = Qemu.img("check", e.toString());
        assertEquals(2, check.exitCode());
        assertTrue(check.stderr().contains("ERROR cluster 5 refcount=0 reference=1"), check.stderr());
    }

    @Test
    void aWaitingWriterOnTheSameClusterIsToldToWaitForTheInFlightAllocation() throws Exception {
        Qcow2Driver d = Qcow2Driver.open(Qcow2Create.create(16L << 20, 65536), "dep", EngineEventSink.NONE);
        AllocResult.Allocated first = (AllocResult.Allocated) d.clusters().allocHostOffset(1, 0, 4096);
        AllocResult second = d.clusters().allocHostOffset(2, 8192, 4096);
        assertTrue(second instanceof AllocResult.MustWait m && m.dependency() == first.metas().get(0));
        assertEquals(1, d.clusterAllocs().size());
    }
}
