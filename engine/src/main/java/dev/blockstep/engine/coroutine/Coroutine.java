package dev.blockstep.engine.coroutine;

import dev.blockstep.engine.snapshot.CoState;
import java.util.ArrayList;
import java.util.List;

/**
 * A coroutine written as an explicit state machine. {@link #run} executes exactly one phase atomically and
 * returns what comes next; the scheduler owns the state transitions, the primitives ({@link CoMutex},
 * {@link CoQueue}) own the wake-ups.
 */
public abstract class Coroutine {
    private final int id;
    private final String name;
    private CoState state = CoState.RUNNABLE;
    private String blockedOn = "";
    private final List<String> frames = new ArrayList<>();
    /** Bumped on every change a view could show, so views of unchanged coroutines can be reused. */
    private long version;

    protected Coroutine(int id, String name) {
        this.id = id;
        this.name = name;
    }

    /** Runs the next phase. Records events and names the step in {@code cx}. */
    protected abstract Outcome run(StepContext cx);

    /** Name of the phase the next {@link #run} executes, or "done". */
    public abstract String phase();

    public final int id() {
        return id;
    }

    public final String name() {
        return name;
    }

    public final CoState state() {
        return state;
    }

    public final String blockedOn() {
        return blockedOn;
    }

    /** Step names taken so far, oldest first. */
    public final List<String> frames() {
        return List.copyOf(frames);
    }

    /** Restores the frames of a coroutine rebuilt from a checkpoint. */
    protected final void restoreFrames(List<String> past) {
        frames.clear();
        frames.addAll(past);
        version++;
    }

    final void recordFrame(String stepName) {
        frames.add(stepName);
        version++;
    }

    final void setState(CoState s, String on) {
        this.state = s;
        this.blockedOn = on;
        version++;
    }

    /** Changes whenever state, phase, frames or what it blocks on may have changed. */
    public final long version() {
        return version;
    }

    @Override
    public String toString() {
        return name + "#" + id + "[" + state + "]";
    }
}
