package dev.blockstep.engine.coroutine;

import java.util.List;

/** Step mode: the caller names the coroutine for the next step with {@link #next(int)}. */
public final class CallerChoice implements SchedulingPolicy {
    private int next = -1;

    /** Chooses the coroutine for the next policy step only. */
    public CallerChoice next(int coroutineId) {
        this.next = coroutineId;
        return this;
    }

    @Override
    public int choose(int stepIndex, List<Integer> runnable, Scheduler s) {
        if (runnable.size() == 1 && next < 0) {
            return runnable.get(0);
        }
        int c = next;
        next = -1;
        if (c < 0) {
            throw new IllegalStateException("step " + stepIndex + ": no coroutine chosen; runnable " + runnable);
        }
        if (!runnable.contains(c)) {
            throw new IllegalArgumentException("step " + stepIndex + ": coroutine " + c
                    + " cannot run; runnable " + runnable);
        }
        return c;
    }

    @Override
    public String describe() {
        return "step mode";
    }
}
