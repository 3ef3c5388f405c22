package dev.blockstep.engine.coroutine;

import java.util.ArrayList;
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
            public String describe() {
                return "fifo";
            }
        };
    }

    /** Uniform choice among the runnable coroutines, from a SplitMix64 stream seeded with {@code seed}. */
    public static SchedulingPolicy seededRandom(long seed) {
        SplitMix64 rng = new SplitMix64(seed);
        return new SchedulingPolicy() {
            @Override
            public int choose(int stepIndex, List<Integer> runnable, Scheduler s) {
                // A forced step consumes no randomness, so inserting a forced step never shifts later choices.
                return runnable.size() == 1 ? runnable.get(0) : runnable.get(rng.nextInt(runnable.size()));
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

    static List<Integer> copy(List<Integer> l) {
        return new ArrayList<>(l);
    }
}
