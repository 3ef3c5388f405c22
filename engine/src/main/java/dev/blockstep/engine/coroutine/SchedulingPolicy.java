package dev.blockstep.engine.coroutine;

import java.util.List;

/** Chooses which coroutine steps next when qemu itself leaves the order open. */
public interface SchedulingPolicy {

    /**
     * @param stepIndex 0-based index of the step about to be taken
     * @param runnable  ids that may step, ascending, never empty
     * @return one of {@code runnable}
     */
    int choose(int stepIndex, List<Integer> runnable, Scheduler scheduler);

    /**
     * True when {@link #choose} depends only on its arguments and has no side effects, so that it can be asked
     * what it would do (a debugger's "next under policy") and a replayed prefix leaves it unchanged.
     */
    default boolean pure() {
        return false;
    }

    /** A short description for reports and traces, e.g. "random --seed 7". */
    String describe();
}
