package dev.blockstep.app.gui.fx;

import dev.blockstep.app.gui.DebuggerWindow;
import dev.blockstep.app.gui.session.EngineWiring;
import dev.blockstep.app.gui.viewmodel.DebuggerViewModel;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;
import javafx.application.Platform;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/** The real window with the real engine wiring, a worker thread as in the app, and throwaway preferences. */
public final class WindowFixture {
    public final ExecutorService engine = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "blockstep-engine-test");
        t.setDaemon(true);
        return t;
    });
    public final DebuggerViewModel vm = new DebuggerViewModel(engine, Platform::runLater);
    public final EngineWiring wiring = new EngineWiring();
    public final DebuggerWindow window;
    private final Stage stage;

    public WindowFixture(Stage stage) {
        this(stage, null);
    }

    /** The window opened at {@code size} (null: the screen's size, up to 1600x1000), as the app opens it there. */
    public WindowFixture(Stage stage, javafx.geometry.Dimension2D size) {
        this.stage = stage;
        Preferences prefs = Preferences.userRoot().node("dev/blockstep/gui-test");
        try {
            prefs.clear();
        } catch (BackingStoreException e) {
            throw new IllegalStateException(e);
        }
        window = size == null ? new DebuggerWindow(vm, wiring, prefs) : new DebuggerWindow(vm, wiring, prefs, size);
        stage.setScene(window.scene());
        // the toolkit keeps one stage for the whole JVM: a test that made it small must not shrink the next one's
        // (at the top left: Monocle's headless screen fails to draw a window that reaches past its edge)
        stage.setX(0);
        stage.setY(0);
        stage.sizeToScene();
        stage.show();
        stage.requestFocus();
    }

    /** Opens a shipped sample through the view-model and waits until it is loaded. */
    public void openSample(String name) {
        Platform.runLater(() -> vm.open(name, wiring.sample(name)));
        until("the sample is loaded", () -> vm.loadedProperty().get() && !vm.busyProperty().get());
    }

    /** Puts the window at the top left at {@code w} x {@code h} and waits until its scene has that size. */
    public void resize(double w, double h) {
        onFx(() -> {
            stage.setX(0);
            stage.setY(0);
            stage.setWidth(w);
            stage.setHeight(h);
            return null;
        });
        until("the window is " + w + "x" + h, () -> Math.abs(window.scene().getWidth() - w) < 1
                && Math.abs(window.scene().getHeight() - h) < 1);
    }

    /** Opens a shipped sample (over whatever is open) and waits until it is the session's and the engine idle. */
    public void open(String sample) {
        long before = onFx(() -> vm.session().openRevision());
        Platform.runLater(() -> vm.open(sample, wiring.sample(sample)));
        until(sample + " is loaded", () -> vm.session().openRevision() > before && !vm.busyProperty().get());
    }

    /** Runs {@code c} on the FX thread and returns its result. */
    public static <T> T onFx(java.util.concurrent.Callable<T> c) {
        try {
            return WaitForAsyncUtils.asyncFx(c).get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The session's latest state, read on the FX thread. */
    public dev.blockstep.app.gui.session.SessionState state() {
        try {
            return WaitForAsyncUtils.asyncFx(() -> vm.session().state()).get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Waits until a command issued after {@code revisionBefore} has landed and the engine is idle again. */
    public dev.blockstep.app.gui.session.SessionState landed(long revisionBefore) {
        until("the command lands", () -> vm.session().state().stepRevision() > revisionBefore
                && !vm.busyProperty().get());
        return state();
    }

    /** Presses keys and waits until the engine's answer has reached the panels. */
    public dev.blockstep.app.gui.session.SessionState press(FxRobot robot, KeyCode... keys) {
        long before = state().stepRevision();
        robot.push(keys);
        landed(before);
        WaitForAsyncUtils.waitForFxEvents();
        return state();
    }

    /** Runs {@code command} on the FX thread and waits until the state it produces has landed. */
    public dev.blockstep.app.gui.session.SessionState command(Runnable command) {
        long before = state().stepRevision();
        Platform.runLater(command);
        return landed(before);
    }

    /** Resume (as F9 does) until the run ends. */
    public dev.blockstep.app.gui.session.SessionState resumeToEnd() {
        command(vm::resume);
        until("the run ends", () -> vm.finishedProperty().get() && !vm.busyProperty().get());
        return state();
    }

    /** Travel to step {@code n} of the known history (as the slider does). */
    public dev.blockstep.app.gui.session.SessionState goTo(int n) {
        return command(() -> vm.goToStep(n));
    }

    /**
     * Opens {@code file} as if dropped on the window and waits until it is open or refused: returns the error
     * dialog's text, empty when it opened.
     */
    public String openFile(java.nio.file.Path file) {
        long before = onFx(() -> vm.session().openRevision());
        Platform.runLater(() -> window.openFile(file));
        until("the file is open or refused", () -> !vm.errorDialogProperty().get().isEmpty()
                || vm.session().openRevision() > before && vm.session().state() != null && !vm.busyProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        return onFx(() -> vm.errorDialogProperty().get());
    }

    /**
     * Opens {@code file} as if dropped on the window, with {@code chooser} answering the question the window asks for
     * it (a base image, a job command), and waits for the refusal in the status bar: returned, after checking it is
     * one line and nothing was opened.
     */
    public String refusedOpen(java.nio.file.Path file, Runnable chooser) {
        Platform.runLater(() -> {
            chooser.run();
            window.openFile(file);
        });
        until("the refusal is shown", () -> vm.statusProperty().get().contains("not opened"));
        String status = vm.statusProperty().get();
        org.junit.jupiter.api.Assertions.assertFalse(status.contains("\n"), status);
        org.junit.jupiter.api.Assertions.assertFalse(vm.loadedProperty().get(), "nothing was opened");
        return status;
    }

    /**
     * Waits (off the FX thread) until the condition holds on the FX thread, up to 90 s: generous, because a
     * shared 2-core machine under load has taken over 30 s to load a counterexample, and a pass costs no wait.
     */
    public static void until(String what, BooleanSupplier condition) {
        try {
            WaitForAsyncUtils.waitFor(90, TimeUnit.SECONDS, () -> WaitForAsyncUtils.asyncFx(condition::getAsBoolean).get());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("timed out waiting until " + what);
        }
        WaitForAsyncUtils.waitForFxEvents();
    }
}
