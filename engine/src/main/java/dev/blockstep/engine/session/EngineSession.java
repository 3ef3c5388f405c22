package dev.blockstep.engine.session;

import dev.blockstep.engine.coroutine.SchedulingPolicy;
import dev.blockstep.engine.snapshot.Snapshot;
import dev.blockstep.engine.snapshot.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A {@link DebugTarget} over a {@link Workload}. History is the list of choices (which coroutine took each
 * step) plus the fix flips (before which step, to which value). Going back rebuilds an engine from the start
 * and replays the choices; the engine is deterministic, so the replay reaches the very same state.
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

    public EngineSession(Workload workload) {
        this.workload = workload;
        this.engine = new Engine(workload);
        this.current = engine.snapshot(null);
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
        return current;
    }

    @Override
    public Snapshot step() {
        if (position < choices.size()) {
            return redo();
        }
        Step s = engine.step();
        return s == null ? current : record(s);
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

    @Override
    public Snapshot stepBack() {
        return position == 0 ? current : goToStep(position - 1);
    }

    @Override
    public Snapshot goToStep(int n) {
        if (n < 0 || n > choices.size()) {
            throw new IllegalArgumentException("step " + n + " is outside the history 0.." + choices.size());
        }
        if (n < position) {
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
            return current;
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
        engine.step(choices.get(position));
        position++;
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
        current = engine.snapshot(s);
        return current;
    }

    private void dropFuture() {
        choices.subList(position, choices.size()).clear();
        steps.subList(position, steps.size()).clear();
        flips.tailMap(position, false).clear();
    }
}
