package dev.blockstep.samples.captures;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.blockstep.engine.trace.QemuLogReplay;
import dev.blockstep.trace.Trace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In the mirror and active-commit captures the job and its ops' reads take the source's s->lock in the log's order:
 * the job for each block status, and each op, which mirror_perform enters, for its read before the job asks block
 * status again. (The ops' target writes take the target's lock, which the log does not call s->lock; the guest's
 * order is {@link LockOrderTest}'s.) Except in {@link #DIRTY_INIT_GAPS}.
 */
class MirrorLockOrderTest {

    /**
     * An active commit's mirror_dirty_init asks bdrv_is_allocated_above of the top once per run, each under s->lock
     * with mirror_throttle between; the engine marks the bitmap in one step without the lock, so the log's first two
     * acquisitions by the job have no counterpart in the replay. Not modelled yet.
     */
    static final Set<String> DIRTY_INIT_GAPS = Set.of("active-commit-hmp-a", "active-commit-hmp-b");

    /** The job's and its reads' s->lock acquisitions in an order ({@link LockOrderTest#logOrder} or replayOrder). */
    private static List<String> jobs(Trace trace, List<String> order) {
        return order.stream().filter(n -> n != null && trace.job().names(n)
                && (n.equals(trace.job().type()) || n.endsWith(".read"))).toList();
    }

    @Test
    void theJobAndItsReadsTakeSLockInTheLogsOrder(@TempDir Path tmp) throws Exception {
        Map<String, String> differ = new TreeMap<>();
        for (String capture : Captures.names()) {
            if (Captures.statedJob(capture) == null) {
                continue;
            }
            Path dir = Files.createDirectory(tmp.resolve(capture));
            Trace trace = Captures.importRaw(capture, dir);
            List<String> log = jobs(trace, LockOrderTest.logOrder(trace));
            List<String> replay = jobs(trace, LockOrderTest.replayOrder(trace, QemuLogReplay.run(trace, dir, capture)));
            if (!log.equals(replay)) {
                differ.put(capture, "log " + log + ", replay " + replay);
            }
        }
        assertEquals(DIRTY_INIT_GAPS, differ.keySet(), differ.toString());
    }
}
