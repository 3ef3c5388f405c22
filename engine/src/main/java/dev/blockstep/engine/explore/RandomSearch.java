package dev.blockstep.engine.explore;

import dev.blockstep.engine.coroutine.SchedulingPolicy;

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
        for (int i = 0; i < runs; i++) {
            Run r = runOnce(setup, strategy.policy(seed + i, expected));
            steps += r.stepCount();
            Verdict v = judge.judge(r);
            if (v.bad()) {
                bad++;
                if (firstBad < 0) {
                    firstBad = i;
                    first = Counterexample.of(r, v);
                }
            }
        }
        return new RandomSearch(runs, bad, firstBad, first, steps, System.nanoTime() - t0);
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
