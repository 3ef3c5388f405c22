package dev.blockstep.app.gui.fx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.app.gui.session.EngineWiring;
import dev.blockstep.app.gui.session.SessionState;
import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.snapshot.Snapshot;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import dev.blockstep.engine.fix.FixVariant;
import javafx.scene.control.ChoiceBox;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * The default sample on the real engine, driven through the window as a user would: keys, the fix switch,
 * the breakpoints view. Expected check lines are those qemu-img printed for reproduction R1.
 */
@ExtendWith({ApplicationExtension.class, FxThreadFailures.class})
class MinimalRaceWalkthroughTest {

    private WindowFixture fx;

    @Start
    void start(Stage stage) {
        fx = new WindowFixture(stage);
    }

    @BeforeEach
    void openDefaultSample() {
        Platform.runLater(() -> fx.vm.open(EngineWiring.DEFAULT_SAMPLE, fx.wiring.sample(EngineWiring.DEFAULT_SAMPLE)));
        WindowFixture.until("the sample is loaded", () -> fx.vm.loadedProperty().get() && !fx.vm.busyProperty().get());
        assertEquals("", fx.vm.errorDialogProperty().get());
    }

    private SessionState state() {
        return fx.state();
    }

    private SessionState press(FxRobot robot, KeyCode... keys) {
        return fx.press(robot, keys);
    }

    private SessionState stepUntilLockDrop(FxRobot robot) {
        for (int i = 0; i < 200; i++) {
            SessionState s = press(robot, KeyCode.F8);
            if (!s.snapshot().lock().droppedForDataIo().isEmpty()) {
                return s;
            }
            assertFalse(s.snapshot().finished(), "ran to the end without a lock drop");
        }
        throw new AssertionError("no lock drop within 200 steps");
    }

    @Test
    void steppingWithF8ReachesTheLockDropAndTheLockViewMarksIt(FxRobot robot) {
        SessionState s = stepUntilLockDrop(robot);
        assertTrue(s.snapshot().lastStep().events().stream().anyMatch(e -> e instanceof EngineEvent.LockDroppedForDataIo));
        String marker = robot.lookup("#lock-dropped").queryLabeled().getText();
        assertTrue(marker.contains("LOCK DROPPED"), marker);
    }

    @Test
    void stepBackAndForthReturnsToTheSameState(FxRobot robot) {
        SessionState atDrop = stepUntilLockDrop(robot);
        SessionState back = press(robot, KeyCode.SHIFT, KeyCode.F8);
        assertEquals(atDrop.snapshot().step() - 1, back.snapshot().step());
        assertTrue(back.snapshot().lock().droppedForDataIo().isEmpty());
        SessionState again = press(robot, KeyCode.F8);
        assertEquals(atDrop.snapshot(), again.snapshot());
    }

    @Test
    void theFixPickerSetsTheVariantInTheEngineAtTheCurrentStep(FxRobot robot) {
        stepUntilLockDrop(robot);
        long before = state().stepRevision();
        ChoiceBox<FixVariant> picker = picker(robot);
        robot.interact(() -> picker.setValue(FixVariant.UNMAP_ONLY));
        WindowFixture.until("the variant reaches the engine", () -> fx.vm.session().state().stepRevision() > before);
        assertEquals(FixVariant.UNMAP_ONLY, state().snapshot().fix());
        assertEquals(FixVariant.UNMAP_ONLY, picker.getValue());
    }

    @SuppressWarnings("unchecked")
    private static ChoiceBox<FixVariant> picker(FxRobot robot) {
        return (ChoiceBox<FixVariant>) robot.lookup("#fix-variant").query();
    }

    @Test
    void resumingToTheEndFlagsTheCorruptionInRefcountsAndCheck(FxRobot robot) {
        SessionState end = resumeToEnd(robot);
        assertTrue(end.snapshot().finished());
        assertTrue(fx.window.refcountPanel().flaggedLines().stream()
                .anyMatch(l -> l.startsWith("ERROR cluster 5 refcount=0 reference=1")), fx.window.refcountPanel().flaggedLines().toString());
        WindowFixture.until("the check has run", () -> fx.window.checkPanel().verdictText().contains("CORRUPT"));
        assertTrue(fx.window.checkPanel().reportText().contains("ERROR cluster 5 refcount=0 reference=1"),
                fx.window.checkPanel().reportText());
        assertTrue(fx.window.checkPanel().reportText().contains("2 errors were found on the image."),
                fx.window.checkPanel().reportText());
    }

    @Test
    void withTheFixOnFromTheStartTheRunChecksClean(FxRobot robot) {
        long before = state().stepRevision();
        robot.interact(() -> picker(robot).setValue(FixVariant.PATCH));
        WindowFixture.until("the fix reaches the engine", () -> fx.vm.session().state().stepRevision() > before);
        resumeToEnd(robot);
        WindowFixture.until("the check has run", () -> fx.window.checkPanel().verdictText().contains("at step"));
        assertTrue(fx.window.checkPanel().reportText().contains("No errors were found on the image."),
                fx.window.checkPanel().reportText());
        assertTrue(fx.window.refcountPanel().flaggedLines().isEmpty());
    }

    @Test
    void aRefcountZeroBreakpointStopsResumeWhereTheDiscardFreesTheCluster(FxRobot robot) {
        robot.clickOn("#tab-breakpoints");
        robot.clickOn("#add-breakpoint");
        robot.clickOn("#add-breakpoint-refcount_zero");
        SessionState hit = press(robot, KeyCode.F9);
        assertNotNull(hit.lastHit(), "resume stopped without a breakpoint hit");
        Snapshot s = hit.snapshot();
        assertFalse(s.finished());
        assertTrue(s.lastStep().events().stream().anyMatch(e -> e instanceof EngineEvent.RefcountChanged r
                && r.newRefcount() == 0), s.lastStep().toString());
        assertTrue(fx.vm.statusProperty().get().startsWith("Breakpoint at step " + s.step()), fx.vm.statusProperty().get());
    }

    private SessionState resumeToEnd(FxRobot robot) {
        SessionState s = press(robot, KeyCode.F9);
        WindowFixture.until("the run ends", () -> fx.vm.finishedProperty().get());
        return state();
    }

    @Test
    void clickingTheTimeSliderTravelsToThatStepOfTheHistory(FxRobot robot) {
        SessionState end = resumeToEnd(robot);
        javafx.scene.control.Slider slider = robot.lookup("#time-slider").queryAs(javafx.scene.control.Slider.class);
        javafx.geometry.Bounds b = slider.localToScreen(slider.getBoundsInLocal());
        long before = state().stepRevision();
        robot.clickOn(b.getMinX() + b.getWidth() * 0.25, b.getCenterY());
        fx.landed(before);
        int at = state().snapshot().step();
        assertTrue(at > 0 && at < end.snapshot().step() / 2, "travelled to step " + at);
        assertEquals(at, state().steps().size());
    }

    @Test
    void ctrlF8TogglesABreakpointOnTheNextStepOfThePolicysCoroutine(FxRobot robot) {
        String phase = state().snapshot().coroutines().stream()
                .filter(c -> c.id() == state().nextUnderPolicy()).findFirst().orElseThrow().phase();
        robot.push(KeyCode.CONTROL, KeyCode.F8);
        WindowFixture.until("the breakpoint is set", () -> fx.vm.session().breakpoints().breakpoints().size() == 1);
        assertEquals(phase, fx.vm.session().breakpoints().breakpoints().get(0).stepName());
        robot.push(KeyCode.CONTROL, KeyCode.F8);
        WindowFixture.until("the breakpoint is gone", () -> fx.vm.session().breakpoints().breakpoints().isEmpty());
    }

    @Test
    void f7StepsTheCoroutinePickedInTheCoroutinesViewInsteadOfThePolicysChoice(FxRobot robot) {
        // Find a step the policy took out of a real choice, go back before it, and pick the other coroutine.
        SessionState s = state();
        for (int i = 0; i < 100 && (s.snapshot().lastStep() == null || s.snapshot().lastStep().runnable().size() < 2); i++) {
            s = press(robot, KeyCode.F8);
        }
        dev.blockstep.engine.snapshot.Step choice = s.snapshot().lastStep();
        assertTrue(choice.runnable().size() >= 2, "the policy never had a choice");
        int other = choice.runnable().stream().filter(id -> id != choice.coroutine()).findFirst().orElseThrow();
        press(robot, KeyCode.SHIFT, KeyCode.F8);
        robot.clickOn(robot.lookup("#coroutines .table-row-cell").match(
                (javafx.scene.control.TableRow<dev.blockstep.app.gui.panels.LiveRow<Integer, ?>> r) ->
                        r.getItem() != null && r.getItem().key() == other).queryAs(Node.class));
        assertEquals(other, fx.vm.selectedCoroutineProperty().get(), "picked in the view");
        SessionState after = press(robot, KeyCode.F7);
        assertEquals(other, after.snapshot().lastStep().coroutine());
    }
}
