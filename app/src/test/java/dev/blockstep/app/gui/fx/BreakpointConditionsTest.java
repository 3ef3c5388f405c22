package dev.blockstep.app.gui.fx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.app.gui.session.EngineWiring;
import dev.blockstep.app.gui.session.SessionState;
import dev.blockstep.engine.event.EngineEvent;
import javafx.application.Platform;
import javafx.scene.control.ComboBox;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** A breakpoint with the user's conditions, made in the Breakpoints view, on the default sample. */
@ExtendWith({ApplicationExtension.class, FxThreadFailures.class})
class BreakpointConditionsTest {

    private WindowFixture fx;

    @Start
    void start(Stage stage) {
        fx = new WindowFixture(stage);
    }

    @BeforeEach
    void openDefaultSample() {
        fx.openSample(EngineWiring.DEFAULT_SAMPLE);
    }

    private SessionState state() {
        return fx.state();
    }

    @SuppressWarnings("unchecked")
    private void addL2WriteBreakpointFor(FxRobot robot, String coroutine) {
        robot.clickOn("#tab-breakpoints");
        Platform.runLater(() -> robot.lookup("#bp-form-kind").queryAs(ComboBox.class)
                .setValue(dev.blockstep.app.gui.breakpoints.BreakpointKind.L2_WRITE));
        WaitForAsyncUtils.waitForFxEvents();
        robot.clickOn("#bp-form-coroutine").write(coroutine);
        robot.clickOn("#bp-form-add");
        WindowFixture.until("the breakpoint is set", () -> fx.vm.session().breakpoints().breakpoints().size() == 1);
    }

    @Test
    void anL2WriteBreakpointForW1SkipsZ2sUnmapAndStopsAtW1sRelink(FxRobot robot) {
        addL2WriteBreakpointFor(robot, "W1");
        SessionState s = resume(robot);
        assertNotNull(s.lastHit(), "stopped on the breakpoint");
        var step = s.snapshot().lastStep();
        assertTrue(step.events().stream().anyMatch(e -> e instanceof EngineEvent.L2EntryWritten), step.toString());
        assertEquals("W1", s.snapshot().coroutines().stream().filter(c -> c.id() == step.coroutine())
                .findFirst().orElseThrow().name());
        assertTrue(fx.vm.statusProperty().get().contains(": W1 wrote the L2 entry of guest cluster 0"),
                fx.vm.statusProperty().get());
        assertEquals(1, fx.vm.session().breakpoints().breakpoints().get(0).hits());
        assertTrue(robot.lookup("#breakpoints .bp-hits").queryLabeled().getText().equals("1 hit"));
    }

    @Test
    void aBadHostClusterIsRefusedInOneLine(FxRobot robot) {
        robot.clickOn("#tab-breakpoints");
        robot.clickOn("#bp-form-host").write("five");
        robot.clickOn("#bp-form-add");
        assertEquals("host cluster: expected a cluster number such as 5 or 0x5, got 'five'",
                robot.lookup("#bp-form-error").queryLabeled().getText());
        assertTrue(fx.vm.session().breakpoints().breakpoints().isEmpty());
    }

    @Test
    void theDeleteKeyRemovesTheSelectedBreakpoint(FxRobot robot) {
        addL2WriteBreakpointFor(robot, "Z2");
        robot.clickOn("#breakpoints .list-cell .bp-hits");
        robot.push(KeyCode.DELETE);
        WindowFixture.until("the breakpoint is gone", () -> fx.vm.session().breakpoints().breakpoints().isEmpty());
    }

    @SuppressWarnings("unchecked")
    private void addBreakpoint(FxRobot robot, dev.blockstep.app.gui.breakpoints.BreakpointKind kind, String host,
                               dev.blockstep.app.gui.breakpoints.FlagCondition flag) {
        robot.clickOn("#tab-breakpoints");
        Platform.runLater(() -> {
            robot.lookup("#bp-form-kind").queryAs(ComboBox.class).setValue(kind);
            robot.lookup("#bp-form-flags").queryAs(ComboBox.class).setValue(flag);
        });
        WaitForAsyncUtils.waitForFxEvents();
        if (host != null) {
            robot.clickOn("#bp-form-host").write(host);
        }
        robot.clickOn("#bp-form-add");
        WindowFixture.until("the breakpoint is set", () -> fx.vm.session().breakpoints().breakpoints().size() == 1);
    }

    private SessionState resume(FxRobot robot) {
        long before = state().stepRevision();
        robot.push(KeyCode.F9);
        return fx.landed(before);
    }

    private dev.blockstep.engine.snapshot.CoroutineView stepper(SessionState s) {
        int id = s.snapshot().lastStep().coroutine();
        return s.snapshot().coroutines().stream().filter(c -> c.id() == id).findFirst().orElseThrow();
    }

    @Test
    void aMayUnmapFlagConditionStopsOnTheFirstStepOfTheUnmappingWriteZeroes(FxRobot robot) {
        addBreakpoint(robot, dev.blockstep.app.gui.breakpoints.BreakpointKind.ANY_STEP, null,
                new dev.blockstep.app.gui.breakpoints.FlagCondition(
                        dev.blockstep.app.gui.breakpoints.RequestFlag.MAY_UNMAP, true));
        SessionState s = resume(robot);
        assertNotNull(s.lastHit(), "stopped on the breakpoint");
        assertEquals("Z2", stepper(s).name(), s.snapshot().lastStep().toString());
        assertTrue(stepper(s).request().contains("-u"), stepper(s).request());
        assertEquals(1, fx.vm.session().breakpoints().breakpoints().get(0).hits());
    }

    @Test
    void refcountBelowReferencesOnHostClusterFiveStopsAtW1sRelink(FxRobot robot) {
        addBreakpoint(robot, dev.blockstep.app.gui.breakpoints.BreakpointKind.REFCOUNT_BELOW_REFERENCES, "5", null);
        SessionState s = resume(robot);
        assertNotNull(s.lastHit(), "stopped on the breakpoint");
        assertEquals("W1", stepper(s).name());
        assertTrue(s.snapshot().lastStep().events().stream().anyMatch(e -> e instanceof EngineEvent.L2EntryWritten),
                s.snapshot().lastStep().toString());
    }

    @Test
    void aDisabledBreakpointDoesNotStopTheRun(FxRobot robot) {
        addL2WriteBreakpointFor(robot, "W1");
        robot.clickOn("#breakpoints .list-cell .check-box");
        WindowFixture.until("the breakpoint is off", () -> !fx.vm.session().breakpoints().breakpoints().get(0).enabled());
        resume(robot);
        WindowFixture.until("the run ends", () -> fx.vm.finishedProperty().get() && !fx.vm.busyProperty().get());
        assertEquals(0, fx.vm.session().breakpoints().breakpoints().get(0).hits());
    }
}
