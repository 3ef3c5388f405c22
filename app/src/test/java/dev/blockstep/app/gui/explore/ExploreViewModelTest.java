package dev.blockstep.app.gui.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.explore.Scenario;
import dev.blockstep.engine.explore.ScenarioException;
import java.io.InputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Explore view model without a Stage: a worker thread for searches, a second thread standing in for FX. */
class ExploreViewModelTest {
    private final ExecutorService worker = Executors.newSingleThreadExecutor();
    private final ExecutorService ui = Executors.newSingleThreadExecutor();
    private final ExploreViewModel vm = new ExploreViewModel(worker, ui);

    @AfterEach
    void stop() {
        worker.shutdownNow();
        ui.shutdownNow();
    }

    private static ExploreViewModel.ScenarioSource shipped(String name) {
        return () -> {
            try (InputStream in = ExploreViewModelTest.class.getResourceAsStream("/scenarios/" + name + ".json")) {
                return Scenario.load(in, name + ".json");
            } catch (java.io.IOException e) {
                throw new ScenarioException(e.getMessage());
            }
        };
    }

    private ExploreOutcome awaitOutcome() throws Exception {
        for (int i = 0; i < 600; i++) {
            ExploreOutcome o = ui.submit(() -> vm.runningProperty().get() ? null : vm.outcomeProperty().get())
                    .get(10, TimeUnit.SECONDS);
            if (o != null) {
                return o;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the search did not end within 60 s");
    }

    @Test
    void runReturnsAtOnceAndTheSearchFindsTheMinimalRaceCorruptUnfixed() throws Exception {
        ui.submit(() -> vm.run("minimal-race", shipped("minimal-race"))).get();
        ExploreOutcome o = awaitOutcome();
        assertTrue(o.complete());
        assertFalse(o.cancelled());
        assertTrue(o.corruptEndStates() > 0);
        assertEquals(o.found().size(), ui.submit(() -> vm.counterexamples().size()).get());
    }

    @Test
    void cancelBeforeTheSearchStartsStopsItBeforeItsFirstState() throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        worker.execute(() -> {
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        ui.submit(() -> {
            vm.run("minimal-race", shipped("minimal-race"));
            vm.cancel();
        }).get();
        hold.countDown();
        ExploreOutcome o = awaitOutcome();
        assertTrue(o.cancelled());
        assertFalse(o.complete());
        assertEquals(0, o.states());
    }

    @Test
    void cancelDuringALongSearchStopsTheEngineLoopPartWay() throws Exception {
        // random-5000's exhaustive search cannot end within the test (awaitOutcome gives up after 60 s), so an
        // outcome at all means Cancel stopped the engine loop; cancel as soon as progress has been reported.
        vm.progressTextProperty().addListener((o, was, now) -> {
            if (now.contains("states,")) {
                vm.cancel();
            }
        });
        ui.submit(() -> vm.run("random-5000", shipped("random-5000"))).get();
        ExploreOutcome o = awaitOutcome();
        assertTrue(o.cancelled(), "cancelled");
        assertFalse(o.complete());
        assertTrue(o.states() > 0);
        assertNotNull(ui.submit(() -> vm.statusProperty().get()).get());
        assertTrue(ui.submit(() -> vm.statusProperty().get()).get().contains("cancelled"));
    }

    @Test
    void aRandomSearchCancelledPartWayCountsOnlyTheRunsItDid() throws Exception {
        vm.modeProperty().set(ExploreMode.PCT);
        vm.runsProperty().set(100_000);
        vm.progressTextProperty().addListener((o, was, now) -> {
            if (now.contains(" runs,")) {
                vm.cancel();
            }
        });
        ui.submit(() -> vm.run("minimal-race", shipped("minimal-race"))).get();
        ExploreOutcome o = awaitOutcome();
        assertTrue(o.cancelled());
        assertTrue(o.interleavings() > 0 && o.interleavings() < 100_000, o.interleavings() + " runs");
    }
}
