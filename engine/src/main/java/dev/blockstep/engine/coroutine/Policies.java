package dev.blockstep.engine.coroutine;

import java.util.List;

/** The built-in scheduling policies. */
public final class Policies {
    private Policies() {
    }

    /**
     * FIFO: the coroutine that has been ready the longest steps next. A coroutine becomes ready when it is
     * spawned, when it yields and can still step (it joins the tail), and when it is woken. Ties cannot occur.
     * With the scheduler's fixed rules (no preemption without a yield, woken and new coroutines run first) this
     * is qemu's own order when every I/O completes in submission order.
     */
    public static SchedulingPolicy fifo() {
        return new SchedulingPolicy() {
            @Override
            public int choose(int stepIndex, List<Integer> runnable, Scheduler s) {
                int best = runnable.get(0);
                for (int id : runnable) {
                    if (s.readySince(id) < s.readySince(best)) {
                        best = id;
                    }
                }
                return best;
            }

            @Override
            public boolean pure() {
                return true;
            }

            @Override
            public String describe() {
                return "fifo";
            }
        };
    }

    /**
     * Uniform choice among the runnable coroutines. The draw for step i is the first bounded draw of a SplitMix64
     * stream started at {@code seed + i * 0x9e3779b97f4a7c15}, so each choice depends only on the seed and the
     * step index: asking does not consume anything, and a replayed prefix cannot shift later choices.
     */
    public static SchedulingPolicy seededRandom(long seed) {
        return new SchedulingPolicy() {
            @Override
            public int choose(int stepIndex, List<Integer> runnable, Scheduler s) {
                if (runnable.size() == 1) {
                    return runnable.get(0);
                }
                SplitMix64 rng = new SplitMix64(seed + stepIndex * 0x9e3779b97f4a7c15L);
                return runnable.get(rng.nextInt(runnable.size()));
            }

            @Override
            public boolean pure() {
                return true;
            }

            @Override
            public String describe() {
                return "random --seed " + seed;
            }
        };
    }

    /** Follows a recorded choice per step; see {@link RecordedSchedule}. */
    public static RecordedSchedule recorded(List<Integer> choices) {
        return new RecordedSchedule(choices);
    }

    /** The caller decides each step; see {@link CallerChoice}. */
    public static CallerChoice callerChoice() {
        return new CallerChoice();
    }

    /** PCT with a seed, bug depth {@code depth} and an expected run length of {@code maxSteps} steps. */
    public static SchedulingPolicy pct(long seed, int depth, int maxSteps) {
        return new Pct(seed, depth, maxSteps);
    }
}
