package dev.blockstep.engine.race;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.check.CheckResult;
import dev.blockstep.engine.check.ImageBytes;
import dev.blockstep.engine.check.ImageCheck;
import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.event.EngineEventSink;
import dev.blockstep.engine.explore.Qcow2Scenarios;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.Qcow2Driver;
import dev.blockstep.engine.snapshot.Step;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The two halves of qcow2's write path that make the race possible and keep writes among themselves safe:
 * an allocating write drops s->lock for its data I/O (qcow2_co_pwritev_task), and a later write that overlaps
 * an allocation still in flight waits for it in handle_dependencies instead of allocating the same guest
 * cluster a second time.
 */
class LockDropAndDependencyTest {

    /** Coroutine 1 is the first request qemu-io's loop (coroutine 0) issues, 2 the second. */
    private static boolean anotherTakesTheLockDuringDataIo(List<Step> steps) {
        boolean inDataIo = false;
        for (Step s : steps) {
            for (EngineEvent e : s.events()) {
                if (e instanceof EngineEvent.LockDroppedForDataIo d && d.coroutine() == 1) {
                    inDataIo = true;
                } else if (e instanceof EngineEvent.DataIoCompleted d && d.coroutine() == 1) {
                    inDataIo = false;
                } else if (inDataIo && e instanceof EngineEvent.LockAcquired a && a.coroutine() == 2) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void anAllocatingWriteLetsAnotherRequestTakeSLockWhileItsDataIsInFlight() {
        List<Schedules.Run> runs = Schedules.all(Qcow2Scenarios.setup("",
                "aio_write -P 0x22 0 64k\naio_write -P 0x33 128k 64k\n", false));
        assertTrue(runs.stream().anyMatch(r -> anotherTakesTheLockDuringDataIo(r.steps())),
                "in some schedule W2 must take s->lock between W1's lock drop and W1's data completion");
    }

    private static byte[] guest(HostFile f, long offset, int len) throws Exception {
        byte[] b = new byte[len];
        Qcow2Driver.open(f.copy(), "end.qcow2", EngineEventSink.NONE).read(0, offset, b, 0, len);
        return b;
    }

    /**
     * Two 4 KiB writes into one unallocated cluster: both need it allocated, with copy-on-write of the rest.
     * Whatever the order, the cluster must end up allocated once, holding both writes' bytes.
     */
    @Test
    void overlappingAllocationsWaitForTheEarlierL2MetaSoBothWritesSurvive() throws Exception {
        List<Schedules.Run> runs = Schedules.all(Qcow2Scenarios.setup("",
                "aio_write -P 0x22 0 4k\naio_write -P 0x33 8k 4k\n", false));
        byte[] expected = new byte[65536];
        java.util.Arrays.fill(expected, 0, 4096, (byte) 0x22);
        java.util.Arrays.fill(expected, 8192, 12288, (byte) 0x33);
        boolean waited = false;
        for (Schedules.Run r : runs) {
            CheckResult c = ImageCheck.check(ImageBytes.of(r.end()), "end", l -> { });
            assertTrue(c.corruptions() == 0 && c.leaks() == 0, "check must find neither corruption nor leak");
            assertArrayEquals(expected, guest(r.end(), 0, 65536), "guest cluster 0 must hold both writes");
            assertTrue(StaleDecisions.first(r.steps(), Schedules.CLUSTER).isEmpty());
            waited |= r.steps().stream().flatMap(s -> s.events().stream())
                    .anyMatch(e -> e instanceof EngineEvent.DependencyWait);
        }
        assertTrue(waited, "in some schedule the later write must wait for the earlier allocation");
    }
}
