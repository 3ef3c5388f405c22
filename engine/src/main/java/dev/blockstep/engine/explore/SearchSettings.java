package dev.blockstep.engine.explore;

/**
 * How an exhaustive search is run, shared by {@code explore}, {@code verify}, {@code verify --matrix} and the
 * minimizer, so that they all search the same way: sleep sets, source sets, and the state cache wherever it pays.
 *
 * @param maxStates       stop after this many states (the result says it is incomplete)
 * @param maxEngineSteps  stop after this many engine steps, replays included
 * @param preemptionBound explore only schedules with at most this many preemptions; -1 for no bound
 * @param threads         searches run at once where there are several (a matrix, several scenarios)
 */
public record SearchSettings(long maxStates, long maxEngineSteps, int preemptionBound, int threads) {

    public SearchSettings {
        if (maxStates < 1 || maxEngineSteps < 1 || preemptionBound < -1 || threads < 1) {
            throw new IllegalArgumentException("bad search settings " + maxStates + "/" + maxEngineSteps + "/"
                    + preemptionBound + "/" + threads);
        }
    }

    /** Unbounded preemptions, one thread. */
    public static SearchSettings of(long maxStates, long maxEngineSteps) {
        return new SearchSettings(maxStates, maxEngineSteps, -1, 1);
    }

    public SearchSettings withPreemptionBound(int bound) {
        return new SearchSettings(maxStates, maxEngineSteps, bound, threads);
    }

    public SearchSettings withThreads(int n) {
        return new SearchSettings(maxStates, maxEngineSteps, preemptionBound, n);
    }

    /** The explorer for one workload under these settings, keeping up to {@code keepBad} bad schedules. */
    public Explorer explorer(ExploreSetup s, Judge judge, int keepBad) {
        return new Explorer(s, judge, true, maxStates, keepBad).cacheStates(Explorer.cachePays(s)).sourceSets(true)
                .maxEngineSteps(maxEngineSteps).preemptionBound(preemptionBound);
    }
}
