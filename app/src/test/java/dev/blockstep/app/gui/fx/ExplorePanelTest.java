package dev.blockstep.app.gui.fx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.app.gui.explore.ComparisonView;
import dev.blockstep.app.gui.explore.ExploreOutcome;
import dev.blockstep.app.gui.explore.ExploreWindow;
import dev.blockstep.app.gui.explore.Found;
import dev.blockstep.app.gui.session.EngineWiring;
import dev.blockstep.app.gui.session.SessionState;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.control.ListView;
import javafx.stage.Stage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The Explore window on the real engine, driven by clicks: an exhaustive search of the debugger's current
 * workload (the minimal race sample) with the fix off and on, then a counterexample opened in the debugger
 * and the same schedule compared fixed against unfixed.
 */
@ExtendWith({ApplicationExtension.class, FxThreadFailures.class})
class ExplorePanelTest {

    private WindowFixture fx;
    private ExploreWindow explore;

    @Start
    void start(Stage stage) {
        fx = new WindowFixture(stage);
    }

    @BeforeEach
    void openTheMinimalRaceAndTheExploreWindow() {
        Platform.runLater(() -> fx.vm.open(EngineWiring.DEFAULT_SAMPLE, fx.wiring.sample(EngineWiring.DEFAULT_SAMPLE)));
        WindowFixture.until("the sample is loaded", () -> fx.vm.loadedProperty().get() && !fx.vm.busyProperty().get());
        explore = fx(() -> {
            ExploreWindow w = fx.window.explorer();
            w.show();
            w.chooser().chooseCurrent();
            return w;
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    private static <T> T fx(java.util.concurrent.Callable<T> c) {
        try {
            return WaitForAsyncUtils.asyncFx(c).get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private ExploreOutcome runAndWait(FxRobot robot) {
        ExploreOutcome before = fx(() -> explore.viewModel().outcomeProperty().get());
        robot.clickOn("#explore-run");
        WindowFixture.until("the search ends", () -> !explore.viewModel().runningProperty().get()
                && explore.viewModel().outcomeProperty().get() != null
                && explore.viewModel().outcomeProperty().get() != before);
        return fx(() -> explore.viewModel().outcomeProperty().get());
    }

    /**
     * The cell showing the list's first counterexample. Not simply the first ".list-cell" node: a ListView keeps
     * empty cells beside the filled ones, and with only a few counterexamples the first node found can be one of
     * them (a click on it opens nothing).
     */
    @SuppressWarnings("unchecked")
    private static Node firstCounterexampleCell(FxRobot robot) {
        ListView<Found> list = (ListView<Found>) robot.lookup("#explore-counterexamples").query();
        Found first = fx(() -> list.getItems().get(0));
        return robot.from(list).lookup(".list-cell")
                .match((javafx.scene.control.ListCell<Found> c) -> c.getItem() == first).query();
    }

    /** Picks a variant in the ChoiceBox {@code id}, as a user would. */
    private static void pick(FxRobot robot, String id, dev.blockstep.engine.fix.FixVariant v) {
        @SuppressWarnings("unchecked")
        javafx.scene.control.ChoiceBox<dev.blockstep.engine.fix.FixVariant> box =
                (javafx.scene.control.ChoiceBox<dev.blockstep.engine.fix.FixVariant>) robot.lookup(id).query();
        fx(() -> {
            box.setValue(v);
            return null;
        });
    }

    private String label(FxRobot robot, String id) {
        return fx(() -> robot.lookup(id).queryLabeled().getText());
    }

    @Test
    void anExhaustiveSearchFindsCorruptEndStatesUnfixedNoneFixedAndACounterexampleOpensInTheDebuggerAtStepZero(
            FxRobot robot) {
        ExploreOutcome unfixed = runAndWait(robot);
        assertTrue(unfixed.complete());
        assertTrue(unfixed.corruptEndStates() > 0, "corrupt end states with the fix off");
        assertEquals(Long.toString(unfixed.corruptEndStates()), label(robot, "#explore-corrupt"));
        assertEquals(Long.toString(unfixed.states()), label(robot, "#explore-states"));

        pick(robot, "#explore-fix", dev.blockstep.engine.fix.FixVariant.PATCH);
        ExploreOutcome fixed = runAndWait(robot);
        assertEquals(dev.blockstep.engine.fix.FixVariant.PATCH, fixed.request().fix());
        assertTrue(fixed.complete());
        assertEquals(0, fixed.corruptEndStates());
        assertEquals("0", label(robot, "#explore-corrupt"));
        assertEquals(0, fx(() -> explore.viewModel().counterexamples().size()));

        pick(robot, "#explore-fix", dev.blockstep.engine.fix.FixVariant.NONE);
        runAndWait(robot);
        @SuppressWarnings("unchecked")
        ListView<Found> list = (ListView<Found>) robot.lookup("#explore-counterexamples").query();
        Found first = fx(() -> list.getItems().get(0));
        robot.doubleClickOn(firstCounterexampleCell(robot));
        WindowFixture.until("the debugger loads the counterexample", () -> fx.vm.titleProperty().get()
                .startsWith("counterexample #1") && fx.vm.loadedProperty().get() && !fx.vm.busyProperty().get());
        SessionState s = fx(() -> fx.vm.session().state());
        assertEquals(0, s.snapshot().step(), "positioned at step 0");
        assertEquals(0, fx(() -> fx.vm.stepProperty().get()));
        assertEquals(first.counterexample().schedule().size(), fx(() -> fx.vm.historyLengthProperty().get()),
                "the whole schedule is ahead of step 0");
        assertFalse(s.snapshot().fixOn());
    }

    @Test
    void comparingACounterexampleShowsTheUnfixedRunCorruptTheFixedCleanAndMarksWhereTheyPart(FxRobot robot) {
        runAndWait(robot);
        robot.clickOn(firstCounterexampleCell(robot));
        robot.clickOn("#explore-compare");
        WindowFixture.until("the comparison is shown",
                () -> !explore.comparison().table().getItems().isEmpty());
        assertTrue(label(robot, "#comparison-left-verdict").contains("CORRUPT"));
        assertFalse(label(robot, "#comparison-right-verdict").contains("CORRUPT"));
        var rows = fx(() -> java.util.List.copyOf(explore.comparison().table().getItems()));
        long marked = rows.stream().filter(ComparisonView.PairRow::divergence).count();
        assertEquals(1, marked, "exactly one row marks the divergence");
        int d = fx(() -> explore.viewModel().comparisonProperty().get().firstDivergence());
        assertTrue(rows.get(d).divergence());
        assertTrue(label(robot, "#comparison-divergence").contains("first at step " + (d + 1) + " "),
                "numbered as the debugger numbers steps: " + label(robot, "#comparison-divergence"));
    }

    @Test
    void comparisonRowsCarryTheDebuggersStepNumbersMarkTheDifferingCellsAndAClickTravelsThere(FxRobot robot) {
        runAndWait(robot);
        robot.clickOn(firstCounterexampleCell(robot));
        robot.clickOn("#explore-compare");
        WindowFixture.until("the comparison is shown", () -> !explore.comparison().table().getItems().isEmpty());
        var rows = fx(() -> java.util.List.copyOf(explore.comparison().table().getItems()));
        int d = fx(() -> explore.viewModel().comparisonProperty().get().firstDivergence());
        ComparisonView.PairRow at = rows.get(d);
        assertEquals(d + 1, at.stepNumber());
        assertTrue(at.differs(r -> r.coroutine() + "  " + r.step()), "the divergent row's step cells differ");
        long lit = fx(() -> robot.lookup("#comparison-table ." + ComparisonView.DIFFERS).queryAll().size());
        assertTrue(lit >= 2, "both sides of a differing cell are marked: " + lit);
        robot.clickOn(robot.lookup("#comparison-table .table-row-cell").match(
                (javafx.scene.control.TableRow<ComparisonView.PairRow> r) -> r.getItem() != null
                        && r.getItem().index() == 0).queryAs(Node.class));
        WindowFixture.until("the debugger travels to step 1 of the counterexample", () -> fx.vm.titleProperty().get()
                .startsWith("counterexample #1") && !fx.vm.busyProperty().get() && fx.vm.stepProperty().get() == 1);
        SessionState s = fx(() -> fx.vm.session().state());
        assertEquals(rows.get(0).left().step(), s.snapshot().lastStep().name(),
                "the debugger's step 1 is the comparison's row 1");
    }

    @Test
    void aShippedScenarioComparedUnderOneSeedIsCleanWithTheFixAndMatchesARandomRunOfThatSeedWithout(FxRobot robot)
            throws Exception {
        fx(() -> {
            explore.chooser().chooseShipped("minimal-race");
            explore.showComparisonTab();
            return null;
        });
        // Typed text under a loaded machine can land beside the default "1" instead of replacing it, so the
        // field is set directly; 3 is not the default, so a click that ignored the field would be caught.
        fx(() -> {
            ((javafx.scene.control.TextField) robot.lookup("#comparison-seed").query()).setText("3");
            return null;
        });
        robot.clickOn("#comparison-run-seeded");
        WindowFixture.until("the seeded comparison is shown",
                () -> !explore.comparison().table().getItems().isEmpty());
        var c = fx(() -> explore.viewModel().comparisonProperty().get());
        assertFalse(c.right().verdict().bad(), c.right().verdict().summary());
        assertTrue(fx(() -> explore.viewModel().comparisonTitleProperty().get()).matches(".*\\bseed 3\\b.*"));
        // The unfixed side is the run RandomSearch makes with the same seed (an independent driver loop).
        dev.blockstep.engine.explore.Scenario sc;
        try (var in = getClass().getResourceAsStream("/scenarios/minimal-race.json")) {
            sc = dev.blockstep.engine.explore.Scenario.load(in, "minimal-race.json");
        }
        var run = dev.blockstep.engine.explore.RandomSearch.runOnce(sc.setup().withFix(dev.blockstep.engine.fix.FixVariant.NONE),
                dev.blockstep.engine.coroutine.Policies.seededRandom(3));
        assertEquals(run.stepCount(), c.left().steps().size());
        assertEquals(run.engine().file().contentHash(), c.left().verdict().imageHash());
    }

    @Test
    void theCancelButtonStopsALongSearchAndTheWindowKeepsAnsweringMeanwhile(FxRobot robot) {
        fx(() -> {
            // 5000 requests: an exhaustive search that cannot end within the test, so only Cancel stops it (the
            // state cache ends three-requests' search before a click can land)
            explore.chooser().chooseShipped("random-5000");
            return null;
        });
        robot.clickOn("#explore-run");
        WindowFixture.until("the search reports progress",
                () -> explore.viewModel().progressTextProperty().get().contains("states,"));
        // The FX thread is free while the engine explores: a lookup round-trip answers at once.
        assertTrue(fx(() -> explore.viewModel().runningProperty().get()));
        robot.clickOn("#explore-cancel");
        WindowFixture.until("the search stops", () -> !explore.viewModel().runningProperty().get());
        ExploreOutcome o = fx(() -> explore.viewModel().outcomeProperty().get());
        assertTrue(o.cancelled());
        assertFalse(o.complete());
        assertTrue(label(robot, "#explore-status").contains("cancelled"));
        assertEquals(Long.toString(o.states()), label(robot, "#explore-states"));
    }
}
