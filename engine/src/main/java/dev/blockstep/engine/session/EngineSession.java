package dev.blockstep.engine.session;

import dev.blockstep.engine.coroutine.SchedulingPolicy;
import dev.blockstep.engine.snapshot.Snapshot;
import dev.blockstep.engine.snapshot.Step;
import java.util.ArrayList;
import dev.blockstep.engine.coroutine.ScheduleDivergedException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link DebugTarget} over a {@link Workload}. History is the list of choices (which coroutine took each
 * step) plus the fix flips (before which step, to which value). Going back rebuilds the engine from the
 * nearest earlier {@link Checkpoint} (kept about every {@value #CHECKPOINT_EVERY} steps, at steps where no
 * request is in flight) or from the start, and replays the choices; the engine is deterministic, so the
 * replay reaches the very same state.
 */
public final class EngineSession implements DebugTarget {
    private final Workload workload;
    private Engine engine;
    private final List<Integer> choices = new ArrayList<>();
    private final List<Step> steps = new ArrayList<>();
    /** Fix value set just before step i (i = the step index at the time of the flip). */
    private final TreeMap<Integer, Boolean> flips = new TreeMap<>();
    private int position;
    private Snapshot current;
    /** Minimum distance between checkpoints, in steps. */
    static final int CHECKPOINT_EVERY = 500;
    private final TreeMap<Integer, Checkpoint> checkpoints = new TreeMap<>();

    public EngineSession(Workload workload) {
        this.workload = workload;
        this.engine = new Engine(workload);
        this.current = engine.snapshot(null);
    }

    /**
     * A session at step 0 whose history is a recorded run: one coroutine id per step and the fix flips (step
     * index before which the fix was set, and the value). Stepping forward follows the record; a record that
     * no longer fits the workload stops with a {@link ScheduleDivergedException} naming the step.
     */
    public static EngineSession following(Workload workload, List<Integer> schedule, Map<Integer, Boolean> fixFlips) {
        EngineSession s = new EngineSession(workload);
        s.choices.addAll(schedule);
        s.flips.putAll(fixFlips);
        s.applyFlip(0);
        s.current = s.engine.snapshot(null);
        return s;
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
            current = engine.snapshot(position == 0 ? null : steps.get(position - 1));
        }
        return current;
    }

    @Override
    public Snapshot step() {
        if (position < choices.size()) {
            return redo();
        }
        Step s = engine.step();
        return s == null ? current() : record(s);
    }

    /**
     * Takes up to {@code n} steps under the policy (following recorded history first) and builds one snapshot
     * at the end: how a debugger runs ahead without paying for a snapshot per step.
     */
    public Snapshot run(int n) {
        Step last = position == 0 ? null : steps.get(position - 1);
        for (int i = 0; i < n; i++) {
            if (position < choices.size()) {
                replayOne();
                last = steps.get(position - 1);
                continue;
            }
            Step s = engine.step();
            if (s == null) {
                break;
            }
            choices.add(s.coroutine());
            steps.add(s);
            position++;
            maybeCheckpoint();
            last = s;
        }
        applyFlip(position);
        current = engine.snapshot(last);
        return current;
    }

    @Override
    public Snapshot stepCoroutine(int coroutineId) {
        if (position < choices.size()) {
            if (choices.get(position) == coroutineId) {
                return redo();
            }
            dropFuture();
        }
        return record(engine.step(coroutineId));
    }

    /**
     * {@link #stepCoroutine} without building a snapshot: a snapshot lists every coroutine ever started, so building
     * one per step makes a long replay quadratic. {@link #current()} builds it when asked.
     */
    public Step advance(int coroutineId) {
        if (position < choices.size()) {
            if (choices.get(position) == coroutineId) {
                replayOne();
                applyFlip(position);
                current = null;
                return steps.get(position - 1);
            }
            dropFuture();
        }
        Step s = engine.step(coroutineId);
        choices.add(s.coroutine());
        steps.add(s);
        position++;
        maybeCheckpoint();
        current = null;
        return s;
    }

    @Override
    public Snapshot stepBack() {
        return position == 0 ? current() : goToStep(position - 1);
    }

    @Override
    public Snapshot goToStep(int n) {
        if (n < 0 || n > choices.size()) {
            throw new IllegalArgumentException("step " + n + " is outside the history 0.." + choices.size());
        }
        var cp = checkpoints.floorEntry(n);
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
        current = engine.snapshot(position == 0 ? null : steps.get(position - 1));
        return current;
    }

    @Override
    public int historyLength() {
        return choices.size();
    }

    @Override
    public int nextUnderPolicy() {
        if (position < choices.size()) {
            return choices.get(position);
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
    public Snapshot setFix(boolean on) {
        if (engine.node().fixOn() == on) {
            return current();
        }
        dropFuture();
        flips.put(position, on);
        engine.node().setFix(on);
        current = engine.snapshot(position == 0 ? null : steps.get(position - 1));
        return current;
    }

    @Override
    public Snapshot restart() {
        engine = new Engine(workload);
        checkpoints.clear();
        choices.clear();
        steps.clear();
        flips.clear();
        position = 0;
        current = engine.snapshot(null);
        return current;
    }

    @Override
    public List<Step> steps() {
        return List.copyOf(steps.subList(0, position));
    }

    /** The choices made so far, one coroutine id per step: a schedule that replays this run. */
    public List<Integer> schedule() {
        return List.copyOf(choices.subList(0, position));
    }

    /** Fix flips so far: step index before which the fix was set, and the value. */
    public TreeMap<Integer, Boolean> flips() {
        return new TreeMap<>(flips.headMap(position, true));
    }

    private Snapshot redo() {
        replayOne();
        applyFlip(position);
        current = engine.snapshot(steps.get(position - 1));
        return current;
    }

    private void replayOne() {
        applyFlip(position);
        int id = choices.get(position);
        List<Integer> runnable = engine.scheduler().runnable();
        if (!runnable.contains(id)) {
            throw new ScheduleDivergedException("step " + position + ": recorded coroutine " + id
                    + " cannot run; runnable " + runnable);
        }
        Step s = engine.step(id);
        if (position == steps.size()) {
            steps.add(s);
        }
        position++;
        maybeCheckpoint();
    }

    /** Keeps a checkpoint when far enough from the last one and no request is in flight. */
    private void maybeCheckpoint() {
        Integer before = checkpoints.floorKey(position);
        Integer after = checkpoints.ceilingKey(position);
        if ((before == null ? 0 : before) + CHECKPOINT_EVERY > position
                || after != null && after - position < CHECKPOINT_EVERY || !engine.scheduler().policy().pure()) {
            return;
        }
        Checkpoint cp = engine.checkpoint();
        if (cp != null) {
            checkpoints.put(position, cp);
        }
    }

    /** Step indexes that have a checkpoint (for tests and the status bar). */
    public java.util.SortedSet<Integer> checkpointSteps() {
        return new java.util.TreeSet<>(checkpoints.keySet());
    }

    private void applyFlip(int at) {
        Boolean f = flips.get(at);
        if (f != null) {
            engine.node().setFix(f);
        }
    }

    private Snapshot record(Step s) {
        choices.add(s.coroutine());
        steps.add(s);
        position++;
        maybeCheckpoint();
        current = engine.snapshot(s);
        return current;
    }

    private void dropFuture() {
        choices.subList(position, choices.size()).clear();
        steps.subList(position, steps.size()).clear();
        flips.tailMap(position, false).clear();
        checkpoints.tailMap(position, false).clear();
    }
}
