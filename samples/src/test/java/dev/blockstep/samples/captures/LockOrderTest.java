package dev.blockstep.samples.captures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.session.EngineSession;
import dev.blockstep.engine.snapshot.Step;
import dev.blockstep.engine.trace.QemuLogReplay;
import dev.blockstep.engine.trace.TraceNames;
import dev.blockstep.trace.QemuEvent;
import dev.blockstep.trace.Trace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which coroutine takes s->lock, in order, on a capture's replay against the real log: the measure of how closely the
 * engine's wake-ups follow qemu's where the final image alone cannot tell.
 */
class LockOrderTest {

    /** The coroutines that took s->lock in the real log, in order (the image open's own acquisitions left out). */
    static List<String> logOrder(Trace trace) {
        List<String> out = new ArrayList<>();
        for (QemuEvent e : trace.qemuLog().events()) {
            boolean acquired = e.event().equals("qemu_co_mutex_lock_uncontended")
                    || e.event().equals("qemu_co_mutex_lock_return");
            if (acquired && e.args().startsWith("mutex s->lock ") && e.coroutine() != null
                    && !e.coroutine().startsWith("open")) {
                out.add(e.coroutine());
            }
        }
        return out;
    }

    /** The coroutines that took s->lock in the engine's replay of the log, in order. */
    static List<String> replayOrder(Trace trace, EngineSession s) {
        TraceNames names = TraceNames.of(trace.workload(), trace.job());
        List<String> out = new ArrayList<>();
        for (Step st : s.steps()) {
            if (st.events().stream().anyMatch(e -> e instanceof EngineEvent.LockAcquired)) {
                out.add(names.name(s.engine().commands(), s.engine().scheduler(), st.coroutine()));
            }
        }
        return out;
    }

    /** How many leading s->lock acquisitions the replay takes as the log does. */
    static int agreeing(String capture, Path dir) throws Exception {
        Trace trace = Captures.importRaw(capture, dir);
        List<String> log = logOrder(trace);
        List<String> replay = replayOrder(trace, QemuLogReplay.run(trace, dir, capture));
        int n = 0;
        while (n < log.size() && n < replay.size() && log.get(n).equals(replay.get(n))) {
            n++;
        }
        return n;
    }

    /**
     * qemu restarts the writers waiting on an allocation only once link_l2 has returned (qcow2_handle_l2meta), and
     * they run at the linking coroutine's next yield. Waking them at the link itself lets a dependent take s->lock
     * before the linking writer has released it: nbd-two-a's replay then follows the real log only through its 10th
     * s->lock acquisition. It matched 16 when that was fixed; the 17th differed because the replay's producer went on
     * at once when a request ended, where qemu-nbd reads the next request when its event loop comes round to it. With
     * that a scheduling choice, the replay matches 135 of the log's 152 (counted against the real log when this was
     * written).
     */
    /**
     * In the job captures the guest's requests take s->lock in the log's order, once the job's own acquisitions are
     * left out: the engine's prefetch asks block status with one lock where qemu's goes through the copy-on-read
     * filter first (stream-hmp-a's prefetch takes it before the guest's data write in the replay, after it in the
     * log), and a commit's write takes the base's lock, which the log does not call s->lock. The log's last
     * acquisition is bdrv_close's flush, which the replay does not run.
     */
    /**
     * A known gap, found when the per-entry flush yields met the write-blocking mirror's captures: the log has the
     * guest take s->lock as z0, w1, w1, z2, w1 (mirror-blocking-hmp-a) and w1, z2, z0, w1, w1 (-b), the replay as z0,
     * w1, z2, w1, w1 and w1, z2, w1, w1, z0 (the replay's images still equal the real ones, CaptureReplayTest). Not yet
     * explained; the test fails when a listed capture starts to agree, so the list shrinks when the gap closes.
     */
    static final java.util.Set<String> LOCK_ORDER_GAPS = java.util.Set.of("mirror-blocking-hmp-a", "mirror-blocking-hmp-b");

    @Test
    void theGuestTakesSLockInTheLogsOrderBesideAJob(@TempDir Path tmp) throws Exception {
        for (String capture : CaptureReplayTest.JOB_CAPTURES) {
            if (LOCK_ORDER_GAPS.contains(capture)) {
                Path dir = Files.createDirectory(tmp.resolve(capture));
                Trace trace = Captures.importRaw(capture, dir);
                List<String> log = guest(trace, logOrder(trace));
                log.remove(log.size() - 1);
                assertNotEquals(log, guest(trace, replayOrder(trace, QemuLogReplay.run(trace, dir, capture))),
                        capture + " now agrees: take it out of LOCK_ORDER_GAPS");
                continue;
            }
            Path dir = Files.createDirectory(tmp.resolve(capture));
            Trace trace = Captures.importRaw(capture, dir);
            List<String> log = guest(trace, logOrder(trace));
            assertEquals("close", log.remove(log.size() - 1), capture);
            assertEquals(log, guest(trace, replayOrder(trace, QemuLogReplay.run(trace, dir, capture))), capture);
        }
    }

    private static List<String> guest(Trace trace, List<String> order) {
        return new ArrayList<>(order.stream().filter(n -> n != null && !trace.job().names(n)).toList());
    }

    @Test
    void dependentsOfALinkedAllocationWakeAfterTheLinkAsInTheRealLog(@TempDir Path tmp) throws Exception {
        int n = agreeing("nbd-two-a", tmp);
        assertTrue(n >= 135, "nbd-two-a: the replay takes s->lock as the real log does for the first " + n
                + " acquisitions, expected at least 135");
    }
}
