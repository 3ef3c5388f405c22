package dev.blockstep.engine.session;

import dev.blockstep.engine.check.OpenRepair;
import dev.blockstep.engine.coroutine.ScheduleDivergedException;
import dev.blockstep.engine.coroutine.SchedulingPolicy;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.snapshot.Snapshot;
import dev.blockstep.engine.snapshot.Step;
import dev.blockstep.engine.snapshot.StepHistory;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A {@link DebugTarget} over a {@link Workload}. The {@link History} is the list of choices (which coroutine
 * took each step) plus the fix flips (before which step, to which value). Going back rebuilds the engine from
 * the nearest earlier {@link Checkpoint} (kept about every {@value #CHECKPOINT_EVERY} steps, at steps where no
 * request is in flight) or from the start, and replays the choices; the engine is deterministic, so the
 * replay reaches the very same state.
 */
public final class EngineSession implements DebugTarget {
    /** Minimum distance between checkpoints, in steps. */
    static final int CHECKPOINT_EVERY = 500;
    private final Workload workload;
    private Engine engine;
    private final History history;
    private int position;
    private Snapshot current;

    public EngineSession(Workload workload) {
        this(workload, List.of(), Map.of());
    }

    private EngineSession(Workload workload, List<Integer> schedule, Map<Integer, FixVariant> fixFlips) {
        this.workload = workload;
        this.engine = new Engine(workload);
        this.history = new History(schedule, fixFlips);
        applyFlip(0);
        this.current = engine.snapshot(null);
    }

    /**
     * A session at step 0 whose history is a recorded run: one coroutine id per step and the fix flips (step
     * index before which the variant was set, and the variant). Stepping forward follows the record, and so does it
     * again after a restart; a record that no longer fits the workload stops with a
     * {@link ScheduleDivergedException} naming the step.
     */
    public static EngineSession following(Workload workload, List<Integer> schedule,
                                          Map<Integer, FixVariant> fixFlips) {
        return new EngineSession(workload, schedule, fixFlips);
    }

    /**
     * Makes every step known so far the session's recording, as if it had been opened {@link #following} it:
     * what a replayed trace does, so that a restart brings its schedule back instead of the policy's.
     */
    public void keepHistoryAsRecording() {
        history.keepAsRecording();
    }

    @Override
    public OpenRepair openRepair() {
        return workload.openRepair();
    }

    /** The live engine at the current position (tests and the CLI read it; views use snapshots). */
    public Engine engine() {
        return engine;
    }

    public SchedulingPolicy policy() {
        return engine.scheduler().policy();
    }

    @Override
    public Snapshot current() {
        if (current == null) {
            current = engine.snapshot(lastStep());
        }
        return current;
    }

    /**
     * The image the guest reads and writes at the current step, as the snapshot's tables show it: after a mirror's
     * or an active commit's pivot, the job's target.
     */
    @Override
    public HostFile image() {
        return engine.guestFile().copy();
    }

    @Override
    public Snapshot step() {
        if (position < history.length()) {
            return redo();
        }
        Step s = engine.step();
        return s == null ? current() : record(s);
    }

    /**
     * Takes up to {@code n} steps under the policy (following recorded history first) and builds one snapshot
     * at the end: how a debugger runs ahead without paying for a snapshot per step.
     */
    @Override
    public Snapshot run(int n) {
        for (int i = 0; i < n; i++) {
            if (position < history.length()) {
                replayOne();
                continue;
            }
            Step s = engine.step();
            if (s == null) {
                break;
            }
            taken(s);
        }
        applyFlip(position);
        current = engine.snapshot(lastStep());
        return current;
    }

    @Override
    public Snapshot stepCoroutine(int coroutineId) {
        if (position < history.length()) {
            if (history.choice(position) == coroutineId) {
                return redo();
            }
            history.truncate(position);
        }
        return record(engine.step(coroutineId));
    }

    /**
     * {@link #stepCoroutine} without building a snapshot: a snapshot lists every coroutine ever started, so building
     * one per step makes a long replay quadratic. {@link #current()} builds it when asked.
     */
    public Step advance(int coroutineId) {
        if (position < history.length()) {
            if (history.choice(position) == coroutineId) {
                replayOne();
                applyFlip(position);
                current = null;
                return lastStep();
            }
            history.truncate(position);
        }
        Step s = engine.step(coroutineId);
        taken(s);
        current = null;
        return s;
    }

    @Override
    public Snapshot stepBack() {
        return position == 0 ? current() : goToStep(position - 1);
    }

    @Override
    public Snapshot goToStep(int n) {
        if (n < 0 || n > history.length()) {
            throw new IllegalArgumentException("step " + n + " is outside the history 0.." + history.length());
        }
        var cp = history.checkpointAtOrBefore(n);
        if (cp != null && (n < position || cp.getKey() > position)) {
            // Forward or back, start from the nearest checkpoint at or before n when it saves replaying.
            engine = new Engine(workload, workload.policy().get(), cp.getValue());
            position = cp.getKey();
        } else if (n < position) {
            engine = new Engine(workload);
            position = 0;
        }
        while (position < n) {
            replayOne();
        }
        applyFlip(position);
        current = engine.snapshot(lastStep());
        return current;
    }

    @Override
    public int historyLength() {
        return history.length();
    }

    @Override
    public List<Integer> runnable() {
        return List.copyOf(engine.scheduler().runnable());
    }

    @Override
    public int nextUnderPolicy() {
        if (position < history.length()) {
            return history.choice(position);
        }
        List<Integer> r = engine.scheduler().runnable();
        if (r.isEmpty()) {
            return -1;
        }
        if (r.size() == 1) {
            return r.get(0);
        }
        SchedulingPolicy p = engine.scheduler().policy();
        return p.pure() ? p.choose(position, r, engine.scheduler()) : -1;
    }

    @Override
    public Snapshot setFix(FixVariant v) {
        if (engine.node().fix() == v) {
            return current();
        }
        history.truncate(position);
        history.flip(position, v);
        engine.node().setFix(v);
        current = engine.snapshot(lastStep());
        return current;
    }

    /** Back to step 0 with the fix as the workload started and the recording, if the session has one, ahead. */
    @Override
    public Snapshot restart() {
        engine = new Engine(workload);
        history.reset();
        position = 0;
        applyFlip(0);
        current = engine.snapshot(null);
        return current;
    }

    @Override
    public StepHistory steps() {
        return history.steps(position);
    }

    @Override
    public StepHistory knownSteps() {
        return history.steps(history.takenCount());
    }

    /** The choices made so far, one coroutine id per step: a schedule that replays this run. */
    public List<Integer> schedule() {
        return history.schedule(position);
    }

    /** Fix flips so far: step index before which the variant was set, and the variant. */
    public TreeMap<Integer, FixVariant> flips() {
        return history.flips(position);
    }

    /** Step indexes that have a checkpoint (for tests and the status bar). */
    public SortedSet<Integer> checkpointSteps() {
        return new TreeSet<>(history.checkpoints().keySet());
    }

    private Step lastStep() {
        return position == 0 ? null : history.step(position - 1);
    }

    private Snapshot redo() {
        replayOne();
        applyFlip(position);
        current = engine.snapshot(lastStep());
        return current;
    }

    private void replayOne() {
        applyFlip(position);
        int id = history.choice(position);
        List<Integer> runnable = engine.scheduler().runnable();
        if (!runnable.contains(id)) {
            throw new ScheduleDivergedException("step " + position + ": recorded coroutine " + id
                    + " cannot run; runnable " + runnable);
        }
        Step s = engine.step(id);
        if (!history.taken(position)) {
            history.taken(position, s);
        }
        position++;
        maybeCheckpoint();
    }

    private void taken(Step s) {
        history.taken(position, s);
        position++;
        maybeCheckpoint();
    }

    /** Keeps a checkpoint when far enough from the last one and no request is in flight. */
    private void maybeCheckpoint() {
        if (engine.scheduler().policy().pure()) {
            history.maybeCheckpoint(position, CHECKPOINT_EVERY, engine::checkpoint);
        }
    }

    private void applyFlip(int at) {
        FixVariant f = history.flipAt(at);
        if (f != null) {
            engine.node().setFix(f);
        }
    }

    private Snapshot record(Step s) {
        taken(s);
        current = engine.snapshot(s);
        return current;
    }
}
