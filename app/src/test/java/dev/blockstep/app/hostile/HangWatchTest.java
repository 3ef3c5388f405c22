package dev.blockstep.app.hostile;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The hang judgement of the hostile suite: blocked children and busy ones over budget, never slow-but-working ones. */
class HangWatchTest {

    @Test
    void aBlockedChildHangsOnceItHasNotUsedCpuForTheStallTime() throws Exception {
        Process p = new ProcessBuilder("sleep", "30").start();
        try {
            long t0 = System.nanoTime();
            HangWatch w = new HangWatch(p.toHandle(), 60, t0, Duration.ofSeconds(2));
            assertFalse(w.hung(t0 + TimeUnit.MILLISECONDS.toNanos(500)), "not yet: the stall time has not passed");
            assertTrue(w.hung(t0 + TimeUnit.SECONDS.toNanos(3)), "sleep uses no CPU, so it is blocked");
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void aBusyChildHangsOnlyPastItsCpuBudget() throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
        try {
            long t0 = System.nanoTime();
            HangWatch w = new HangWatch(p.toHandle(), 1, t0, Duration.ofSeconds(600));
            // however slowly the machine lets it run, it keeps using CPU and is judged by that alone
            boolean hung = false;
            while (!hung && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(60)) {
                Thread.sleep(200);
                hung = w.hung(System.nanoTime());
                if (!hung) {
                    assertTrue(w.cpuMillis() <= 1000, "hung must turn true once the budget is spent");
                }
            }
            assertTrue(hung, "a busy loop must run out of its 1 s CPU budget");
            assertTrue(w.cpuMillis() > 1000, "and only then: " + w.cpuMillis() + " ms of CPU");
        } finally {
            p.destroyForcibly().waitFor();
        }
    }
}
