package dev.blockstep.app.gui.session;

import dev.blockstep.app.gui.breakpoints.Breakpoint;
import dev.blockstep.app.gui.breakpoints.BreakpointHit;
import dev.blockstep.app.gui.breakpoints.BreakpointSet;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.session.DebugTarget;
import dev.blockstep.engine.snapshot.Snapshot;
import dev.blockstep.engine.snapshot.Step;
import dev.blockstep.engine.snapshot.StepHistory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one object between the UI and the engine. Every engine call runs on {@code engineExecutor} (a single
 * worker, so the target is never touched by two threads and the UI thread never waits on it); results
 * come back on {@code uiExecutor}, bump {@code stepRevision} and are dispatched to the panels, each guarded
 * so that a broken panel cannot stop stepping.
 */
public final class DebugSession {

    private static final Logger LOG = Logger.getLogger(DebugSession.class.getName());
    /** How often a long run reports progress, in steps. */
    private static final int PROGRESS_EVERY = 512;

    private final Executor engineExecutor;
    private final Executor uiExecutor;
    private final SessionObserver observer;
    private final List<SessionPanel> panels = new ArrayList<>();
    private final java.util.Map<String, Long> panelNanos = new java.util.TreeMap<>();
    private final AtomicBoolean cancel = new AtomicBoolean();

    // Engine-worker side: the only reference the session keeps to what is open.
    private DebugTarget target;

    // UI side.
    private SessionState state;
    private long stepRevision;
    private long breakpointsRevision;
    private BreakpointSet breakpoints = BreakpointSet.EMPTY;
    private String title = "";
    /** Bumped by every open, so a view can tell a result about the previous file from one about this one. */
    private long openRevision;

    public DebugSession(Executor engineExecutor, Executor uiExecutor, SessionObserver observer) {
        this.engineExecutor = engineExecutor;
        this.uiExecutor = uiExecutor;
        this.observer = observer;
    }

    public void addPanel(SessionPanel panel) {
        panels.add(panel);
        if (state != null) {
            dispatch(panel, state);
        }
    }

    /** The latest state, or null before anything was opened. UI thread only. */
    public SessionState state() {
        return state;
    }

    /** How many files or samples have been opened so far; UI thread only. */
    public long openRevision() {
        return openRevision;
    }

    public BreakpointSet breakpoints() {
        return breakpoints;
    }

    // ---- commands (call on the UI thread) ----

    public void open(String newTitle, TargetSource source) {
        run("Opening " + newTitle, true, () -> {
            DebugTarget opened;
            try {
                opened = source.open();
            } catch (TargetSource.OpenException e) {
                ui(() -> observer.commandFailed(e.getMessage(), true));
                return;
            }
            target = opened;
            publish(newTitle, opened.current(), null);
        });
    }

    public void step() {
        command("Step", t -> t.step());
    }

    /**
     * Steps one coroutine if the scheduler would let it run now. When qemu owes the CPU to another coroutine (one
     * just woken or spawned), the engine refuses; the user gets one line naming both, not the engine's text.
     */
    public void stepCoroutine(int coroutineId) {
        run("Step", false, () -> {
            if (target == null) {
                return;
            }
            List<Integer> runnable = target.runnable();
            if (!runnable.contains(coroutineId)) {
                java.util.function.IntFunction<String> names = BreakpointSet.names(target.current());
                String who = names.apply(coroutineId);
                String others = String.join(", ", runnable.stream().map(names::apply).toList());
                String line = runnable.isEmpty() ? who + " cannot step now: nothing can step"
                        : who + " cannot step now: qemu runs " + others + " next"
                        + (runnable.size() == 1 ? " without a choice (it was just woken or started)" : "")
                        + "; press F8 to step it";
                ui(() -> observer.commandFailed(line, false));
                return;
            }
            publish(null, target.stepCoroutine(coroutineId), null);
        });
    }

    public void stepBack() {
        command("Step back", DebugTarget::stepBack);
    }

    public void restart() {
        command("Restart", DebugTarget::restart);
    }

    public void setFix(FixVariant v) {
        command("Fix " + v.id(), t -> t.setFix(v));
    }

    /**
     * A jump is a command like a step back, not long work: marking it busy disabled and re-enabled the whole
     * toolbar around each jump, two restylings and repaints of it per jump, for work that takes milliseconds and
     * that Cancel could not stop anyway.
     */
    public void goToStep(int n) {
        command("Go to step " + n, t -> t.goToStep(n));
    }

    /** Steps under the policy until an enabled breakpoint hits, the run ends, or {@link #pause()}. */
    public void resume() {
        BreakpointSet bps = breakpoints;
        run("Resuming", true, () -> {
            if (target == null) {
                return;
            }
            if (bps.hasEnabledConditions()) {
                resumeStepByStep(bps);
            } else {
                resumeInBatches(bps);
            }
        });
    }

    /** Conditions read the state after each step, so every step makes a snapshot. */
    private void resumeStepByStep(BreakpointSet bps) {
        Snapshot before = target.current();
        BreakpointHit hit = null;
        long n = 0;
        while (!cancel.get() && !before.finished()) {
            Snapshot after = target.step();
            if (after.step() == before.step()) {
                break;
            }
            n++;
            hit = bps.firstHit(before, after).orElse(null);
            before = after;
            if (hit != null) {
                break;
            }
            if (n % PROGRESS_EVERY == 0) {
                long done = n;
                int at = after.step();
                ui(() -> observer.progress(done, "step " + at));
            }
        }
        publish(null, before, hit);
    }

    /**
     * Step kinds are visible in the steps themselves: run ahead a batch at a time without snapshots, look at the
     * batch's steps, and go back to the one that hit.
     */
    private void resumeInBatches(BreakpointSet bps) {
        Snapshot at = target.current();
        BreakpointHit hit = null;
        long n = 0;
        while (!cancel.get() && !at.finished() && hit == null) {
            int from = at.step();
            Snapshot after = target.run(PROGRESS_EVERY);
            if (after.step() == from) {
                break;
            }
            List<Step> steps = target.steps();
            java.util.function.IntFunction<String> names = BreakpointSet.names(after);
            for (int i = from; i < after.step() && hit == null; i++) {
                hit = bps.firstStepHit(steps.get(i), names).orElse(null);
            }
            at = hit != null && hit.step() != after.step() ? target.goToStep(hit.step()) : after;
            n += at.step() - from;
            long done = n;
            int step = at.step();
            ui(() -> observer.progress(done, "step " + step));
        }
        publish(null, at, hit);
    }

    /**
     * Travels to the nearest step, after (forward) or before the current one, where {@code moment} finds something
     * in the step from one snapshot to the next; forward runs on under the policy (the recording, if one is
     * ahead), backward walks the known history from step 0. Stops at the end or step 0 when there is none, and
     * hands what was found (empty if nothing) to {@code onUi} after the panels have the new state.
     */
    public <M> void seek(String what, boolean forward, BiFunction<Snapshot, Snapshot, Optional<M>> moment,
                         Consumer<Optional<M>> onUi) {
        run(what, true, () -> {
            if (target == null) {
                return;
            }
            Optional<M> found = forward ? seekForward(moment) : seekBackward(moment);
            publish(null, target.current(), null);
            ui(() -> onUi.accept(found));
        });
    }

    private <M> Optional<M> seekForward(BiFunction<Snapshot, Snapshot, Optional<M>> moment) {
        Snapshot before = target.current();
        long n = 0;
        while (!cancel.get() && !before.finished()) {
            Snapshot after = target.step();
            if (after.step() == before.step()) {
                break;
            }
            Optional<M> m = moment.apply(before, after);
            if (m.isPresent()) {
                return m;
            }
            before = after;
            if (++n % PROGRESS_EVERY == 0) {
                long done = n;
                int at = after.step();
                ui(() -> observer.progress(done, "step " + at));
            }
        }
        return Optional.empty();
    }

    private <M> Optional<M> seekBackward(BiFunction<Snapshot, Snapshot, Optional<M>> moment) {
        int from = target.current().step();
        Snapshot before = target.goToStep(0);
        int best = 0;
        Optional<M> found = Optional.empty();
        for (int k = 1; k < from && !cancel.get(); k++) {
            Snapshot after = target.goToStep(k);
            Optional<M> m = moment.apply(before, after);
            if (m.isPresent()) {
                best = k;
                found = m;
            }
            before = after;
        }
        if (cancel.get()) {
            target.goToStep(from);
            return Optional.empty();
        }
        target.goToStep(best);
        return found;
    }

    /** Stops a running resume after its current step. Safe from any thread. */
    public void pause() {
        cancel.set(true);
    }

    /** Runs a read-only query against the target on the worker and hands the result to the UI thread. */
    public <R> void query(String what, Function<DebugTarget, R> q, Consumer<R> onUi) {
        run(what, false, () -> {
            if (target != null) {
                R r = q.apply(target);
                ui(() -> onUi.accept(r));
            }
        });
    }

    public void setBreakpoints(BreakpointSet next) {
        breakpoints = next;
        breakpointsRevision++;
        if (state != null) {
            changed(withBreakpoints(state), SessionPanel.Revision.BREAKPOINTS);
        }
    }

    public void toggleBreakpoint(Breakpoint bp) {
        setBreakpoints(breakpoints.toggled(bp));
    }

    // ---- plumbing ----

    private void command(String what, Function<DebugTarget, Snapshot> call) {
        run(what, false, () -> {
            if (target != null) {
                publish(null, call.apply(target), null);
            }
        });
    }

    private void run(String what, boolean longWork, Runnable work) {
        if (longWork) {
            cancel.set(false);
            observer.busyChanged(true, what);
        }
        engineExecutor.execute(() -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, what + " failed", e);
                String msg = what + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
                ui(() -> observer.commandFailed(msg, false));
            } finally {
                if (longWork) {
                    ui(() -> observer.busyChanged(false, what));
                }
            }
        });
    }

    /** Worker side: sends the new state over; the target's step history is immutable, so it travels as is. */
    private void publish(String newTitle, Snapshot snap, BreakpointHit hit) {
        StepHistory steps = target.steps();
        StepHistory known = target.knownSteps();
        int history = target.historyLength();
        int next = target.nextUnderPolicy();
        ui(() -> applyUpdate(newTitle, snap, steps, known, history, next, hit));
    }

    private void applyUpdate(String newTitle, Snapshot snap, StepHistory steps, StepHistory known, int history,
                             int next, BreakpointHit hit) {
        if (newTitle != null) {
            title = newTitle;
            openRevision++;
        }
        if (hit != null) {
            breakpoints = breakpoints.counted(hit.breakpoint());
            breakpointsRevision++;
        }
        stepRevision++;
        changed(new SessionState(title, snap, steps, history, next, stepRevision, breakpoints, breakpointsRevision,
                hit, known), SessionPanel.Revision.STEP);
    }

    private SessionState withBreakpoints(SessionState s) {
        return new SessionState(s.title(), s.snapshot(), s.steps(), s.historyLength(), s.nextUnderPolicy(),
                s.stepRevision(), breakpoints, breakpointsRevision, s.lastHit(), s.known());
    }

    private void changed(SessionState next, SessionPanel.Revision what) {
        state = next;
        try {
            observer.stateChanged(next);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "observer failed", e);
            observer.panelFailed("toolbar", e);
        }
        for (SessionPanel p : panels) {
            if (p.follows().contains(what)) {
                dispatch(p, next);
            }
        }
    }

    /** Cumulative redraw time per panel, in nanoseconds, for finding a slow view. UI thread only. */
    public java.util.Map<String, Long> panelNanos() {
        return java.util.Collections.unmodifiableMap(panelNanos);
    }

    private void dispatch(SessionPanel p, SessionState s) {
        long t0 = System.nanoTime();
        try {
            p.stepDidChange(s);
            panelNanos.merge(p.panelName(), System.nanoTime() - t0, Long::sum);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "panel " + p.panelName() + " failed to redraw", e);
            observer.panelFailed(p.panelName(), e);
        }
    }

    private void ui(Runnable r) {
        uiExecutor.execute(r);
    }
}
