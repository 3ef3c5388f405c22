package dev.blockstep.app.gui.viewmodel;

import dev.blockstep.app.gui.breakpoints.Breakpoint;
import dev.blockstep.app.gui.breakpoints.BreakpointHit;
import dev.blockstep.app.gui.session.DebugSession;
import dev.blockstep.app.gui.session.SessionObserver;
import dev.blockstep.app.gui.session.SessionState;
import dev.blockstep.app.gui.session.TargetSource;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.snapshot.CoroutineView;
import dev.blockstep.engine.snapshot.Snapshot;
import java.util.concurrent.Executor;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * The toolbar's state and commands. Holds properties the views bind to and forwards commands to the
 * session; it never touches a node, so it is tested without a Stage.
 */
public final class DebuggerViewModel implements SessionObserver {

    private final DebugSession session;

    private final StringProperty title = new SimpleStringProperty("");
    private final IntegerProperty step = new SimpleIntegerProperty(0);
    private final IntegerProperty historyLength = new SimpleIntegerProperty(0);
    private final BooleanProperty loaded = new SimpleBooleanProperty(false);
    private final BooleanProperty finished = new SimpleBooleanProperty(false);
    private final BooleanProperty busy = new SimpleBooleanProperty(false);
    private final StringProperty busyText = new SimpleStringProperty("");
    private final StringProperty progressText = new SimpleStringProperty("");
    private final StringProperty status = new SimpleStringProperty("");
    private final StringProperty banner = new SimpleStringProperty("");
    private final StringProperty errorDialog = new SimpleStringProperty("");
    private final IntegerProperty selectedCoroutine = new SimpleIntegerProperty(-1);
    private final IntegerProperty nextCoroutine = new SimpleIntegerProperty(-1);
    /** The fix variant picker. Choosing one sends the command; engine updates set it without sending one back. */
    private final ObjectProperty<FixVariant> fix = new SimpleObjectProperty<>(FixVariant.NONE);
    private boolean applyingEngineState;
    private SessionState lastState;

    public DebuggerViewModel(Executor engineExecutor, Executor uiExecutor) {
        this.session = new DebugSession(engineExecutor, uiExecutor, this);
        fix.addListener((obs, was, v) -> {
            if (!applyingEngineState && loaded.get() && v != null) {
                session.setFix(v);
            }
        });
    }

    /** True while an engine state is being copied into the properties (views must not echo it back). */
    public boolean isApplyingEngineState() {
        return applyingEngineState;
    }

    public DebugSession session() {
        return session;
    }

    // ---- commands ----

    public void open(String what, TargetSource source) {
        session.open(what, source);
    }

    public void step() {
        if (canStep().get()) {
            session.step();
        }
    }

    /** Steps the coroutine picked in the Coroutines view; falls back to the policy's choice. */
    public void stepSelected() {
        if (!canStep().get()) {
            return;
        }
        int co = selectedCoroutine.get();
        SessionState s = lastState;
        if (co < 0 || s == null) {
            step();
            return;
        }
        s.snapshot().coroutines().stream().filter(c -> c.id() == co).findFirst().ifPresentOrElse(c -> {
            if (c.state().canStep()) {
                session.stepCoroutine(co);
            } else {
                status.set(c.name() + " cannot step now: " + (!c.blockedOn().isEmpty() ? c.blockedOn()
                        : c.state() == dev.blockstep.engine.snapshot.CoState.DONE ? "it has finished"
                        : c.state().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')));
            }
        }, this::step);
    }

    /** F6: on to the next lock drop, serialising wait, free, relink or first check error. */
    public void nextKeyMoment() {
        if (canStep().get()) {
            session.seek("Next key moment", true, DebuggerViewModel::moments, found -> status.set(found
                    .map(m -> describeMoments(m))
                    .orElse("No further key moment: step " + step.get() + (finished.get() ? " is the end" : ""))));
        }
    }

    /** Shift+F6: back to the previous key moment of the known history. */
    public void previousKeyMoment() {
        if (loaded.get() && !busy.get() && step.get() > 0) {
            session.seek("Previous key moment", false, DebuggerViewModel::moments, found -> status.set(found
                    .map(m -> describeMoments(m)).orElse("No earlier key moment: back at step 0")));
        }
    }

    private static java.util.Optional<java.util.List<KeyMoment>> moments(Snapshot before, Snapshot after) {
        java.util.List<KeyMoment> m = KeyMoment.of(before, after);
        return m.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(m);
    }

    private static String describeMoments(java.util.List<KeyMoment> moments) {
        StringBuilder b = new StringBuilder("Key moment at step " + moments.get(0).step() + ": ");
        for (int i = 0; i < moments.size(); i++) {
            b.append(i == 0 ? "" : "; ").append(moments.get(i).kind().label()).append(": ")
                    .append(moments.get(i).text());
        }
        return b.toString();
    }

    public void resume() {
        if (canStep().get()) {
            session.resume();
        }
    }

    public void pause() {
        session.pause();
    }

    public void restart() {
        if (loaded.get() && !busy.get()) {
            session.restart();
        }
    }

    public void stepBack() {
        if (loaded.get() && !busy.get() && step.get() > 0) {
            session.stepBack();
        }
    }

    public void goToStep(int n) {
        if (loaded.get() && !busy.get() && n != step.get()) {
            session.goToStep(Math.max(0, Math.min(n, historyLength.get())));
        }
    }

    /**
     * Ctrl+F8: a breakpoint on the step the chosen coroutine (or the policy's next one) takes next, like a
     * line breakpoint on the line the debugger stands at.
     */
    public void toggleBreakpointAtNextStep() {
        SessionState s = lastState;
        if (s == null) {
            return;
        }
        int co = selectedCoroutine.get() >= 0 ? selectedCoroutine.get() : s.nextUnderPolicy();
        s.snapshot().coroutines().stream().filter(c -> c.id() == co && !"done".equals(c.phase())).findFirst()
                .ifPresent(c -> {
                    session.toggleBreakpoint(Breakpoint.atStep(c.phase()));
                    status.set("breakpoint toggled at step " + c.phase());
                });
    }

    /** A one-line message for the status bar, e.g. "wrote run.json". */
    public void showStatus(String line) {
        status.set(line);
    }

    public void dismissBanner() {
        banner.set("");
    }

    public void dismissErrorDialog() {
        errorDialog.set("");
    }

    // ---- enablement ----

    public BooleanBinding canStep() {
        return Bindings.createBooleanBinding(() -> loaded.get() && !busy.get() && !finished.get(),
                loaded, busy, finished);
    }

    public BooleanBinding canStepBack() {
        return Bindings.createBooleanBinding(() -> loaded.get() && !busy.get() && step.get() > 0,
                loaded, busy, step);
    }

    // ---- SessionObserver ----

    @Override
    public void stateChanged(SessionState s) {
        boolean fixWasOn = lastState != null && lastState.snapshot().fixOn();
        boolean sameRun = lastState != null && lastState.title().equals(s.title());
        lastState = s;
        Snapshot snap = s.snapshot();
        applyingEngineState = true;
        try {
            loaded.set(true);
            title.set(s.title());
            historyLength.set(Math.max(s.historyLength(), snap.step()));
            step.set(snap.step());
            finished.set(snap.finished());
            fix.set(snap.fix());
            nextCoroutine.set(s.nextUnderPolicy());
        } finally {
            applyingEngineState = false;
        }
        status.set(describe(s));
        if (sameRun && !fixWasOn && snap.fixOn()) {
            LateFix.explain(snap, s.steps(), snap.step()).ifPresent(status::set);
        }
    }

    private static String describe(SessionState s) {
        Snapshot snap = s.snapshot();
        BreakpointHit hit = s.lastHit();
        if (hit != null) {
            return "Breakpoint at step " + hit.step() + ": " + hit.reason();
        }
        if (snap.lastStep() == null) {
            return "Step 0: nothing has run yet";
        }
        String narration = snap.lastStep().narration();
        return "Step " + snap.step() + ": " + (narration.isEmpty() ? snap.lastStep().name() : narration)
                + (snap.finished() ? "  (finished)" : "");
    }

    @Override
    public void busyChanged(boolean isBusy, String what) {
        busy.set(isBusy);
        busyText.set(isBusy ? what : "");
        if (!isBusy) {
            progressText.set("");
        }
    }

    @Override
    public void progress(long done, String message) {
        progressText.set(done + " steps, " + message);
    }

    @Override
    public void commandFailed(String oneLine, boolean wantsDialog) {
        if (wantsDialog) {
            errorDialog.set(oneLine);
        }
        status.set(oneLine);
    }

    @Override
    public void panelFailed(String panelName, RuntimeException error) {
        banner.set("The " + panelName + " view failed to redraw (" + error + "); stepping goes on.");
    }

    // ---- properties ----

    public ReadOnlyStringProperty titleProperty() {
        return title;
    }

    public ReadOnlyIntegerProperty stepProperty() {
        return step;
    }

    public ReadOnlyIntegerProperty historyLengthProperty() {
        return historyLength;
    }

    public ReadOnlyBooleanProperty loadedProperty() {
        return loaded;
    }

    public ReadOnlyBooleanProperty finishedProperty() {
        return finished;
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy;
    }

    public ReadOnlyStringProperty busyTextProperty() {
        return busyText;
    }

    public ReadOnlyStringProperty progressTextProperty() {
        return progressText;
    }

    public ReadOnlyStringProperty statusProperty() {
        return status;
    }

    public ReadOnlyStringProperty bannerProperty() {
        return banner;
    }

    public ReadOnlyStringProperty errorDialogProperty() {
        return errorDialog;
    }

    public IntegerProperty selectedCoroutineProperty() {
        return selectedCoroutine;
    }

    public ReadOnlyIntegerProperty nextCoroutineProperty() {
        return nextCoroutine;
    }

    public ObjectProperty<FixVariant> fixProperty() {
        return fix;
    }

    /** Finds a coroutine in the current snapshot, for views that show details of the selection. */
    public CoroutineView coroutine(int id) {
        SessionState s = lastState;
        return s == null ? null
                : s.snapshot().coroutines().stream().filter(c -> c.id() == id).findFirst().orElse(null);
    }
}
