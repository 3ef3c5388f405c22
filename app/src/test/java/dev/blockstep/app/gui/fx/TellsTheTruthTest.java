package dev.blockstep.app.gui.fx;

import dev.blockstep.engine.fix.FixVariant;
import javafx.scene.control.ChoiceBox;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.app.gui.session.DebugSession;
import dev.blockstep.app.gui.session.SessionState;
import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.session.DebugTarget;
import dev.blockstep.engine.snapshot.CoroutineView;
import dev.blockstep.engine.snapshot.Snapshot;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javafx.application.Platform;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** Issue 14's "tells the truth" items on the real engine: the Check tab, a late fix, F7, breakpoint names. */
@ExtendWith({ApplicationExtension.class, FxThreadFailures.class})
class TellsTheTruthTest {

    private WindowFixture fx;
    @org.junit.jupiter.api.io.TempDir
    Path dir;

    @Start
    void start(Stage stage) {
        fx = new WindowFixture(stage);
    }

    private void open(String sample) {
        long before = fx.vm.session().openRevision();
        Platform.runLater(() -> fx.vm.open(sample, fx.wiring.sample(sample)));
        WindowFixture.until(sample + " is loaded", () -> fx.vm.session().openRevision() > before
                && !fx.vm.busyProperty().get());
        assertEquals("", fx.vm.errorDialogProperty().get());
    }

    private SessionState state() {
        return fx.state();
    }

    private SessionState press(FxRobot robot, KeyCode... keys) {
        return fx.press(robot, keys);
    }

    private String verdict() {
        try {
            return WaitForAsyncUtils.asyncFx(() -> fx.window.checkPanel().verdictText()).get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theCheckTabNeverShowsThePreviousFilesReport(FxRobot robot) {
        open("minimal-race");
        press(robot, KeyCode.F9);
        WindowFixture.until("the check has run", () -> fx.window.checkPanel().verdictText().contains("CORRUPT"));
        open("minimal-race-fixed");
        assertEquals("not checked yet", verdict());
        assertEquals("", fx.window.checkPanel().reportText());
    }

    @Test
    void aStaleReportSaysSoOnceWithBothSteps(FxRobot robot) {
        open("minimal-race");
        for (int i = 0; i < 12; i++) {
            press(robot, KeyCode.F8);
        }
        Platform.runLater(() -> fx.window.checkPanel().runCheck());
        WindowFixture.until("the check has run", () -> fx.window.checkPanel().verdictText().startsWith("at step 12:"));
        press(robot, KeyCode.F8);
        press(robot, KeyCode.F8);
        assertEquals("at step 12 (stale: now at step 14): no errors", verdict());
    }

    @Test
    void aFixSwitchedOnAfterTheZeroWriteBeganSaysWhyTheRunStillCorrupts(FxRobot robot) {
        open("minimal-race");
        SessionState s = state();
        for (int i = 0; i < 300 && !zeroWriteBegan(s); i++) {
            s = press(robot, KeyCode.F8);
        }
        assertTrue(zeroWriteBegan(s), "the zero write never began");
        long before = s.stepRevision();
        choosePatch(robot);
        WindowFixture.until("the fix reaches the engine", () -> fx.vm.session().state().stepRevision() > before);
        String status = fx.vm.statusProperty().get();
        assertTrue(status.contains("switched on at step " + s.snapshot().step()) && status.contains("Z2"), status);
        press(robot, KeyCode.F9);
        WindowFixture.until("the check has run", () -> fx.window.checkPanel().verdictText().contains("CORRUPT"));
        String why = fx.window.checkPanel().whyText();
        assertTrue(why.contains("switched on at step " + s.snapshot().step()) && why.contains("BDRV_REQ_SERIALISING"),
                why);
    }

    @Test
    void withTheFixOnFromTheStartTheCheckHasNothingToExplain(FxRobot robot) {
        open("minimal-race-fixed");
        press(robot, KeyCode.F9);
        WindowFixture.until("the check has run", () -> fx.window.checkPanel().verdictText().contains("at step"));
        assertEquals("", fx.window.checkPanel().whyText());
    }

    private static boolean zeroWriteBegan(SessionState s) {
        return s.steps().stream().flatMap(st -> st.events().stream()).anyMatch(e ->
                e instanceof EngineEvent.TrackedRequestBegin b && s.snapshot().coroutines().stream()
                        .anyMatch(c -> c.id() == b.coroutine() && c.request().contains("-z")));
    }

    @Test
    void f7OnACoroutineQemuDoesNotRunNextSaysWhoRunsAndLogsNoStackTrace(FxRobot robot) throws Exception {
        // Find, on the engine itself, a step where a coroutine's state says it can step but qemu owes the CPU to
        // another one: the row looks runnable, and the engine would refuse it.
        DebugTarget t = fx.wiring.sample("minimal-race").open();
        int at = -1;
        CoroutineView refused = null;
        for (int i = 0; i < 400 && refused == null && !t.current().finished(); i++) {
            Snapshot now = t.current();
            List<Integer> runnable = t.runnable();
            refused = now.coroutines().stream().filter(c -> c.state().canStep() && !runnable.contains(c.id()))
                    .findFirst().orElse(null);
            at = now.step();
            if (refused == null) {
                t.step();
            }
        }
        assertNotNull(refused, "no step of minimal-race has a steppable-looking coroutine qemu does not run");
        open("minimal-race");
        int step = at;
        long before = state().stepRevision();
        Platform.runLater(() -> fx.vm.goToStep(step));
        fx.landed(before);
        int id = refused.id();
        Platform.runLater(() -> fx.vm.selectedCoroutineProperty().set(id));
        List<LogRecord> warnings = new ArrayList<>();
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(r);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = Logger.getLogger(DebugSession.class.getName());
        log.addHandler(h);
        try {
            robot.push(KeyCode.F7);
            WindowFixture.until("F7 answers", () -> fx.vm.statusProperty().get().contains("cannot step now"));
        } finally {
            log.removeHandler(h);
        }
        String status = fx.vm.statusProperty().get();
        assertTrue(status.startsWith(refused.name() + " cannot step now: qemu runs "), status);
        assertFalse(status.contains("co " + id) || status.contains("runnable ["), status);
        assertEquals(step, state().snapshot().step());
        assertTrue(warnings.isEmpty(), () -> "logged: " + warnings.get(0).getMessage());
    }

    @Test
    void aTraceSavedMidRunAfterAFlipSaysWhatItHoldsAndRunEndsWhereTheWindowEnds(FxRobot robot) throws Exception {
        open("minimal-race");
        for (int i = 0; i < 11; i++) {
            press(robot, KeyCode.F8);
        }
        long before = state().stepRevision();
        choosePatch(robot);
        WindowFixture.until("the fix reaches the engine", () -> fx.vm.session().state().stepRevision() > before);
        press(robot, KeyCode.F8);
        assertEquals(12, state().snapshot().step());
        Path saved = dir.resolve("mid-run.json");
        java.util.concurrent.CompletableFuture<String> done = new java.util.concurrent.CompletableFuture<>();
        Platform.runLater(() -> fx.vm.session().query("save", t -> {
            try {
                fx.wiring.saveTrace(t, saved);
                return "";
            } catch (dev.blockstep.app.gui.session.TargetSource.OpenException e) {
                return e.getMessage();
            }
        }, done::complete));
        assertEquals("", done.get(60, java.util.concurrent.TimeUnit.SECONDS));

        dev.blockstep.trace.io.TraceFile file = dev.blockstep.trace.io.TraceReader.open(saved);
        String description = file.header().metadata().description();
        assertTrue(description.contains("12 steps recorded") && description.contains("fix variant none from step 0,"
                + " patch from step 11") && !description.contains("34 steps"), description);

        // what blockstep run prints for the saved trace, against what the window shows at the end of it
        dev.blockstep.engine.session.EngineSession run = dev.blockstep.engine.trace.TraceRun.run(file, dir,
                "mid-run.json", dev.blockstep.engine.trace.TraceRun.Options.DEFAULT);
        String runReport = fx.wiring.checkRunner().check(run).report();
        long opened = fx.vm.session().openRevision();
        Platform.runLater(() -> fx.window.openFile(saved));
        WindowFixture.until("the saved trace is open", () -> fx.vm.session().openRevision() > opened
                && !fx.vm.busyProperty().get());
        press(robot, KeyCode.F9);
        WindowFixture.until("the check of the end has run", () -> fx.vm.finishedProperty().get()
                && fx.window.checkPanel().verdictText().startsWith("at step " + fx.vm.stepProperty().get() + ": "));
        assertEquals(runReport, fx.window.checkPanel().reportText());
        assertTrue(runReport.contains("ERROR cluster 5 refcount=0 reference=1"), runReport);
    }

    @Test
    void aLockDropBreakpointNamesTheWriterAsTheEngineDoes(FxRobot robot) {
        open("minimal-race");
        robot.clickOn("#tab-breakpoints");
        robot.clickOn("#add-breakpoint");
        robot.clickOn("#add-breakpoint-lock_drop");
        SessionState hit = press(robot, KeyCode.F9);
        assertNotNull(hit.lastHit());
        String status = fx.vm.statusProperty().get();
        assertTrue(status.contains(": W1 dropped s->lock for data I/O"), status);
        assertFalse(status.contains("co 1"), status);
    }

    @SuppressWarnings("unchecked")
    private static void choosePatch(FxRobot robot) {
        ChoiceBox<FixVariant> fix = (ChoiceBox<FixVariant>) robot.lookup("#fix-variant").query();
        Platform.runLater(() -> fix.setValue(FixVariant.PATCH));
        WaitForAsyncUtils.waitForFxEvents();
    }
}
