package dev.blockstep.engine.qcow2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.event.EngineEventSink;
import dev.blockstep.engine.image.HostFile;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * do_perform_cow_write's overlap check, made while s->lock is dropped: it catches metadata that other requests
 * placed on the allocation's cluster after the allocating write's own check passed. On an image whose refcount
 * says 0 for a cluster an L2 entry uses, a partial write allocates that cluster; while its COW waits, a discard of
 * the other guest cluster frees it again and a third write allocates a new L2 table there. The COW write must be
 * refused with qemu's line instead of overwriting the table.
 */
class CowOverlapCheckTest {

    @Test
    void aCowWriteOntoAnL2TablePlacedMeanwhileIsRefused() throws Exception {
        HostFile f = Qcow2Create.create(1L << 30, 65536);
        Qcow2Driver w = Qcow2Driver.open(f, "q", EngineEventSink.NONE);
        AllocResult.Allocated first = (AllocResult.Allocated) w.clusters().allocHostOffset(1, 1 << 20, 65536);
        w.writeData(1, first.hostOffset(), (byte) 0x11, 65536);
        w.clusters().linkL2Entries(1, first.metas().get(0));
        w.retire(1, first.metas().get(0));
        long x = first.hostOffset();
        // the damage: the refcount of guest 1 MiB's cluster drops to 0
        long refblock = f.readBe64(f.readBe64(48));
        f.write(refblock + 2 * (x >>> 16), new byte[2]);
        Qcow2Driver d = Qcow2Driver.open(f, "q", EngineEventSink.NONE);

        AllocResult.Allocated a = (AllocResult.Allocated) d.clusters().allocHostOffset(2, 512, 512);
        assertEquals(x, a.hostOffset() & ~0xffffL, "the partial write takes the cluster whose refcount is 0");
        d.preWriteOverlapCheck(2, a.hostOffset(), a.bytes());
        L2Meta m = a.metas().get(0);
        assertTrue(d.clusters().needsCow(m));
        d.pdiscard(3, 1 << 20, 65536);
        AllocResult.Allocated c = (AllocResult.Allocated) d.clusters().allocHostOffset(4, 512L << 20, 65536);
        assertEquals(x, d.state().l1Table.get(1) & 0x00ff_ffff_ffff_fe00L,
                "the third write's new L2 table lands on the cluster the COW is about to fill");
        assertTrue(c.hostOffset() != x);

        assertThrows(Qcow2Error.class, () -> d.clusters().performCowIo(2, m, (byte) 0x5a, 512));
        assertEquals(List.of("qcow2: Marking image as corrupt: Preventing invalid write on metadata (overlaps with "
                + "active L2 table); further corruption events will be suppressed"), d.stderrLines());
    }
}
