package dev.blockstep.engine.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The hooks a GUI uses to show progress and to stop a search between two states or two runs. */
class ExplorerCancellationTest {

    @Test
    void anExplorationStopsAtTheFirstStateAfterTheCancelFlagIsRaised() {
        ExploreSetup s = Qcow2Scenarios.minimalRace(false);
        Exploration full = Qcow2Scenarios.explore(s, true);
        AtomicLong lastProgress = new AtomicLong();
        Explorer ex = new Explorer(s, new Judge(s, new QemuImgCheck()), true, 10_000_000, 10)
                .onProgress((states, inter, bad) -> lastProgress.set(states));
        ex.cancelWhen(() -> lastProgress.get() >= Explorer.PROGRESS_EVERY);
        Exploration x = ex.run();
        assertTrue(ex.cancelled());
        assertTrue(x.truncated());
        assertEquals(Explorer.PROGRESS_EVERY, x.states(), "stops right after the progress report that raised it");
        assertTrue(x.states() < full.states(), full.states() + " states when not cancelled");
    }

    @Test
    void anUncancelledExplorationIsCompleteAndReportsItsFinalCounts() {
        ExploreSetup s = Qcow2Scenarios.minimalRace(false);
        long[] last = new long[3];
        Explorer ex = new Explorer(s, new Judge(s, new QemuImgCheck()), true, 10_000_000, 10)
                .cancelWhen(() -> false).onProgress((a, b, c) -> {
                    last[0] = a;
                    last[1] = b;
                    last[2] = c;
                });
        Exploration x = ex.run();
        assertFalse(ex.cancelled());
        assertFalse(x.truncated());
        assertEquals(x.states(), last[0]);
        assertEquals(x.interleavings(), last[1]);
        assertEquals(ex.badRuns(), last[2]);
    }

    @Test
    void aRandomSearchStopsBetweenRunsAndCountsOnlyTheRunsDone() {
        ExploreSetup s = Qcow2Scenarios.minimalRace(false);
        AtomicInteger seen = new AtomicInteger();
        RandomSearch r = RandomSearch.run(s, new Judge(s, new QemuImgCheck()), 1000, 1, Strategy.UNIFORM,
                new RandomSearch.Listener() {
                    @Override
                    public boolean cancelled() {
                        return seen.get() >= 5;
                    }

                    @Override
                    public void runDone(int index, long seed, Counterexample run) {
                        assertEquals(1 + index, seed);
                        seen.incrementAndGet();
                    }
                });
        assertEquals(5, r.runs());
        assertEquals(5, seen.get());
    }
}
