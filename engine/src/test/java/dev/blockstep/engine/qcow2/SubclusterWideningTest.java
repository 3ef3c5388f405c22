package dev.blockstep.engine.qcow2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.event.EngineEventSink;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.Qcow2Driver.GuestRange;
import dev.blockstep.engine.qcow2.format.ClusterType;
import dev.blockstep.engine.testing.Qemu;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * qcow2_co_pwrite_zeroes on a piece that does not cover its cluster, driven by hand in the order qemu-io -c runs
 * aio_write -P 0x22 0 32k and aio_write -z -u 32k 32k: the zero write asks block status about the other half (its
 * own lock section), then widens to the whole cluster and frees the host cluster the writer has chosen.
 */
class SubclusterWideningTest {

    @TempDir
    Path dir;

    private Qcow2Driver zeroAllocImage(Path img) throws Exception {
        Qemu.img("create", "-q", "-f", "qcow2", img.toString(), "16M");
        Qemu.io("-f", "qcow2", "-c", "write -P 0x11 0 64k", "-c", "write -z 0 64k", img.toString());
        return Qcow2Driver.open(HostFile.load(img), "r", EngineEventSink.NONE);
    }

    @Test
    void theZeroWriteOfTheOtherHalfFreesTheClusterTheWriterRelinks() throws Exception {
        Path real = dir.resolve("real.qcow2");
        Qcow2Driver d = zeroAllocImage(real);
        int w = 1;
        int z = 2;
        // W: handle_copied reuses H = 0x50000 in place with a keep_old L2Meta, then drops s->lock
        AllocResult.Allocated a = (AllocResult.Allocated) d.clusters().allocHostOffset(w, 0, 32768);
        assertEquals(0x50000, a.hostOffset());
        assertTrue(a.metas().get(0).keepOld);
        // Z: is_zero asks about the first half only; it still reads as zero, W has not linked it
        assertEquals(List.of(new GuestRange(0, 32768)), d.isZeroQueries(32768, 32768));
        assertTrue(d.blockStatusZero(z, 0, 1));
        // Z, lock taken again: the cluster is still ZERO_ALLOC, so the piece becomes the whole cluster
        assertTrue(d.pwriteZeroes(z, 32768, 32768, true));
        assertEquals(ClusterType.ZERO_PLAIN, d.clusters().map(z, 0).type());
        d.clusters().linkL2Entries(w, a.metas().get(0));
        d.retire(w, a.metas().get(0));

        Qemu.io("-f", "qcow2", "-c", "aio_write -P 0x22 0 32k", "-c", "aio_write -z -u 32k 32k", "-c", "aio_flush",
                real.toString());
        Path engine = dir.resolve("engine.qcow2");
        d.file().save(engine);
        Qemu.Result ours = Qemu.img("check", engine.toString());
        Qemu.Result theirs = Qemu.img("check", real.toString());
        assertEquals(2, theirs.exitCode(), theirs.stderr());
        assertEquals(theirs.stderr(), ours.stderr());
        assertEquals(theirs.exitCode(), ours.exitCode());
    }

    @Test
    void onceTheOtherHalfHoldsDataTheZeroWriteIsRefused() throws Exception {
        Qcow2Driver d = zeroAllocImage(dir.resolve("linked.qcow2"));
        AllocResult.Allocated a = (AllocResult.Allocated) d.clusters().allocHostOffset(1, 0, 32768);
        d.clusters().linkL2Entries(1, a.metas().get(0));
        d.retire(1, a.metas().get(0));
        assertFalse(d.blockStatusZero(2, 0, 1));
        // the type check under the second lock refuses too (-ENOTSUP: the generic layer writes zeros instead)
        assertFalse(d.pwriteZeroes(2, 32768, 32768, true));
        assertEquals(ClusterType.NORMAL, d.clusters().map(2, 0).type());
    }

    @Test
    void eachUnalignedSideIsOneQueryAndAnAlignedPieceAsksNothing() throws Exception {
        Qcow2Driver d = Qcow2Driver.open(Qcow2Create.create(16L << 20, 65536), "q", EngineEventSink.NONE);
        assertEquals(List.of(new GuestRange(0, 16384), new GuestRange(32768, 32768)), d.isZeroQueries(16384, 16384));
        assertEquals(List.of(new GuestRange(32768, 32768)), d.isZeroQueries(0, 32768));
        assertEquals(List.of(), d.isZeroQueries(65536, 65536));
        // a piece that ends at the image end has no tail to ask about
        assertEquals(List.of(new GuestRange((16L << 20) - 65536, 32768)),
                d.isZeroQueries((16L << 20) - 32768, 32768));
    }
}
