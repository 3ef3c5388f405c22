package dev.blockstep.engine.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.block.Images;
import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.snapshot.ClusterAllocView;
import dev.blockstep.engine.snapshot.CoroutineView;
import dev.blockstep.engine.snapshot.Snapshot;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The snapshot shows qcow2's cluster_allocs, so views need not rebuild them from the event stream. */
class ClusterAllocsInSnapshotTest {
    private static final long CS = 65536;

    /** The first request coroutine (qemu-io's main loop is the one with no request of its own). */
    private static int firstRequest(Snapshot s) {
        return s.coroutines().stream().filter(c -> !"qemu-io".equals(c.request())).mapToInt(CoroutineView::id)
                .findFirst().orElseThrow(() -> new AssertionError("no request in " + s.coroutines()));
    }

    @Test
    void theMinimalRacesWriterHoldsHostClusterFiveFromItsDecisionUntilLinkL2() {
        // minimal-race: w0 reuses the ZERO_ALLOC cluster at 0x50000 in place (keep_old), z1 unmaps it meanwhile.
        EngineSession s = new EngineSession(new Workload(Images.zeroAllocAtZero(), "img", List.of(
                new QemuIoCommand.AioWrite(0, CS, 0x22, false, false, false),
                new QemuIoCommand.AioWrite(0, CS, 0, true, true, false),
                new QemuIoCommand.AioFlush()), FixVariant.NONE, Policies::fifo));
        boolean sawDropped = false;
        boolean sawFreedWhileHeld = false;
        boolean linked = false;
        boolean retired = false;
        while (!s.current().finished()) {
            Snapshot now = s.step();
            if (!now.lock().droppedForDataIo().isEmpty()) {
                sawDropped = true;
                int w = now.lock().droppedForDataIo().get(0);
                assertEquals(List.of(new ClusterAllocView(w, 0, 0x50000, CS, false, true)), now.clusterAllocs());
            }
            boolean freed = now.lastStep().events().stream().anyMatch(e -> e instanceof EngineEvent.RefcountChanged r
                    && r.hostCluster() == 5 && r.newRefcount() == 0);
            if (freed) {
                sawFreedWhileHeld = !now.clusterAllocs().isEmpty();
            }
            // link_l2's own flush of the file (its cache write-back depends on the refcount cache) is part of it
            boolean linkFlush = now.lastStep().name().equals("bdrv_co_flush (file node)")
                    || now.lastStep().name().equals("thread_pool_complete");
            if (linked && now.lastStep().coroutine() == firstRequest(now) && !linkFlush) {
                assertEquals(List.of(), now.clusterAllocs(), "qcow2_handle_l2meta takes the allocation off "
                        + "cluster_allocs right after link_l2");
                linked = false;
                retired = true;
            }
            if (now.lastStep().events().stream().anyMatch(e -> e instanceof EngineEvent.L2EntryWritten l
                    && l.coroutine() == firstRequest(now))) {
                // link_l2's cache I/O yields before qemu retires the allocation
                assertEquals(1, now.clusterAllocs().size(), "the allocation stays listed through link_l2's step");
                linked = true;
            }
        }
        assertTrue(retired, "w0's allocation was retired after its link");
        assertTrue(sawDropped, "w0 dropped s->lock for its data write");
        assertTrue(sawFreedWhileHeld, "z1 freed host cluster 5 while w0's allocation was in cluster_allocs");
        assertEquals(List.of(), s.current().clusterAllocs());
    }

    @Test
    void aPartialWriteOnAFreshImageAllocatesWithACopyOnWriteTail() {
        EngineSession s = new EngineSession(new Workload(Images.fresh16M(), "img", List.of(
                new QemuIoCommand.AioWrite(CS, 4096, 0x33, false, false, false)), FixVariant.NONE, Policies::fifo));
        Snapshot first = s.current();
        while (first.clusterAllocs().isEmpty() && !first.finished()) {
            first = s.step();
        }
        assertFalse(first.finished(), "the write allocated");
        ClusterAllocView a = first.clusterAllocs().get(0);
        assertEquals(firstRequest(first), a.coroutine());
        assertEquals(CS, a.guestOffset());
        assertEquals(CS, a.bytes());
        assertTrue(a.cow(), "a 4k write into a new 64k cluster leaves a tail to copy: " + a);
        assertFalse(a.keepOld());
    }
}
