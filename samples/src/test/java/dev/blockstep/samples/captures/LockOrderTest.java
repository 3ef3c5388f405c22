package dev.blockstep.samples.captures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.block.ActiveMirrorWrite;
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

    /**
     * The coroutines that took s->lock in the engine's replay of the log, in order. A guest write's copy to a
     * write-blocking mirror's target goes by the guest's name, but takes the target's lock, which the log does not
     * call s->lock: it is left out.
     */
    static List<String> replayOrder(Trace trace, EngineSession s) {
        TraceNames names = TraceNames.of(trace.workload(), trace.job());
        List<String> out = new ArrayList<>();
        for (Step st : s.steps()) {
            String engineName = s.engine().scheduler().coroutine(st.coroutine()).name();
            if (ActiveMirrorWrite.issuerOfTargetCopy(engineName) == null
                    && st.events().stream().anyMatch(e -> e instanceof EngineEvent.LockAcquired)) {
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
     * w1, z2, w1, w1 and w1, z2, w1, w1, z0 (the replay's images still equal the real ones, CaptureReplayTest).
     *
     * <p>Why, read off mirror-blocking-hmp-a's log: the guest's order follows the order in which the mirror's ops queue
     * on the target's lock, and that differs first. The job asks block status of each chunk down the chain
     * (mirror_iteration), and qemu 7.2 takes each image's own lock and loads its metadata into that image's caches from
     * disk: for the chunk at 128k, the base's cache misses (qcow2_cache_get ... read_from_disk 1, then
     * bdrv_co_preadv_part on the base's file and thread_pool_submit) make the job yield. While it waits, op1's read of
     * guest 64k completes and op1's write queues on the target's lock; only then does the job launch op2, the zero
     * write of 128k..256k, which queues behind it. The engine answers block status for a chunk in one step, without
     * those yields, so op2 is launched and queues on the target's lock before op1's read has completed; the target's
     * lock then goes op0, op2, op1 where qemu's went op0, op1, op2, and the guest's write w1, which waits in
     * active_write_prepare for both ops, and z2, issued by the HMP monitor when the log shows it, meet s->lock in the
     * other order. Closing it needs the engine's block status queries to load a backing image's metadata through its
     * cache with a yield on each miss, as qcow2_co_block_status does. mirror-blocking-hmp-b's log shows the same: the
     * job takes s->lock for the next chunk's block status after op0's read has taken it, where the engine's job asks
     * both chunks first. The test fails when a listed capture starts to agree, so the list shrinks when the gap closes.
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
