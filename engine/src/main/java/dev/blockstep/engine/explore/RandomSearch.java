package dev.blockstep.engine.explore;

import dev.blockstep.engine.coroutine.SchedulingPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Seeded random schedules of one workload: run i uses seed {@code seed + i}. Reports how many runs were bad and
 * which was first.
 *
 * @param firstBadRun 0-based index of the first bad run, or -1
 */
public record RandomSearch(int runs, int badRuns, int firstBadRun, Counterexample first, long engineSteps,
                           long nanos) {

    public double detectionRate() {
        return runs == 0 ? 0 : (double) badRuns / runs;
    }

    public static RandomSearch run(ExploreSetup setup, Judge judge, int runs, long seed, Strategy strategy) {
        return run(setup, judge, runs, seed, strategy, Listener.NONE);
    }

    /** Sees every run as it ends, and may stop the search between runs. */
    public interface Listener {
        Listener NONE = new Listener() {
        };

        /** Asked before every run; true stops the search (the result counts only the runs done). */
        default boolean cancelled() {
            return false;
        }

        /** @param run the run as a replayable counterexample, bad or not */
        default void runDone(int index, long seed, Counterexample run) {
        }
    }

    public static RandomSearch run(ExploreSetup setup, Judge judge, int runs, long seed, Strategy strategy,
                                   Listener listener) {
        long t0 = System.nanoTime();
        Run probe = new Run(setup);
        while (!probe.ended()) {
            probe.advance(probe.options().get(0));
        }
        int expected = probe.stepCount();
        int bad = 0;
        int firstBad = -1;
        Counterexample first = null;
        long steps = 0;
        int done = 0;
        for (int i = 0; i < runs && !listener.cancelled(); i++) {
            Run r = runOnce(setup, strategy.policy(seed + i, expected));
            steps += r.stepCount();
            Verdict v = judge.judge(r);
            done++;
            if (listener != Listener.NONE) {
                listener.runDone(i, seed + i, Counterexample.of(r, v));
            }
            if (v.bad()) {
                bad++;
                if (firstBad < 0) {
                    firstBad = i;
                    first = Counterexample.of(r, v);
                }
            }
        }
        return new RandomSearch(done, bad, firstBad, first, steps, System.nanoTime() - t0);
    }

    /**
     * The same runs as {@link #run(ExploreSetup, Judge, int, long, Strategy)}, cut into one consecutive block of
     * seeds per thread and merged in seed order, so the result (counts, the first bad run) is the sequential one;
     * only the time differs.
     */
    public static RandomSearch parallel(ExploreSetup setup, int runs, long seed, Strategy strategy, int threads) {
        long t0 = System.nanoTime();
        int blocks = Math.max(1, Math.min(threads, runs));
        List<Supplier<RandomSearch>> parts = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        for (int b = 0; b < blocks; b++) {
            int from = (int) ((long) runs * b / blocks);
            int to = (int) ((long) runs * (b + 1) / blocks);
            starts.add(from);
            parts.add(() -> run(setup, new Judge(setup, new QemuImgCheck()), to - from, seed + from, strategy));
        }
        List<RandomSearch> done = ParallelSearches.run(parts, threads);
        int n = 0;
        int bad = 0;
        int firstBad = -1;
        Counterexample first = null;
        long steps = 0;
        for (int b = 0; b < done.size(); b++) {
            RandomSearch r = done.get(b);
            n += r.runs();
            bad += r.badRuns();
            steps += r.engineSteps();
            if (firstBad < 0 && r.firstBadRun() >= 0) {
                firstBad = starts.get(b) + r.firstBadRun();
                first = r.first();
            }
        }
        return new RandomSearch(n, bad, firstBad, first, steps, System.nanoTime() - t0);
    }

    /** One run where the policy is asked at every macro step (also when only one coroutine can run). */
    public static Run runOnce(ExploreSetup setup, SchedulingPolicy policy) {
        Run r = new Run(setup);
        while (!r.ended()) {
            var opts = r.options();
            r.advance(policy.choose(r.engine().scheduler().stepIndex(), opts, r.engine().scheduler()));
        }
        return r;
    }
}
