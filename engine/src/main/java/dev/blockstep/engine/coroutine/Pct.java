package dev.blockstep.engine.coroutine;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * PCT (Burckhardt et al., "A randomized scheduler with probabilistic guarantees of finding bugs", ASPLOS 2010),
 * as Coyote runs it: every coroutine gets a random priority when first seen, the highest-priority runnable
 * coroutine steps, and at d-1 random change points the coroutine about to step drops to the lowest priority.
 * A bug of depth d is found with probability at least 1/(n * k^(d-1)) for n coroutines and k steps.
 */
final class Pct implements SchedulingPolicy {
    private final long seed;
    private final int depth;
    private final SplitMix64 rng;
    /** Coroutine ids, highest priority first. */
    private final List<Integer> priorities = new ArrayList<>();
    private final TreeSet<Integer> changePoints = new TreeSet<>();
    private int seenUpTo = -1;

    Pct(long seed, int depth, int maxSteps) {
        if (depth < 1 || maxSteps < 1) {
            throw new IllegalArgumentException("PCT needs depth >= 1 and maxSteps >= 1");
        }
        this.seed = seed;
        this.depth = depth;
        this.rng = new SplitMix64(seed);
        int want = Math.min(depth - 1, maxSteps);
        while (changePoints.size() < want) {
            changePoints.add(rng.nextInt(maxSteps));
        }
    }

    @Override
    public int choose(int stepIndex, List<Integer> runnable, Scheduler s) {
        // Coroutines are assigned priorities in id order, so the same seed gives the same priorities.
        int maxId = s.nextId() - 1;
        while (seenUpTo < maxId) {
            seenUpTo++;
            priorities.add(rng.nextInt(priorities.size() + 1), seenUpTo);
        }
        int chosen = highest(runnable);
        if (changePoints.contains(stepIndex) && runnable.size() > 1) {
            priorities.remove(Integer.valueOf(chosen));
            priorities.add(chosen);
            chosen = highest(runnable);
        }
        return chosen;
    }

    private int highest(List<Integer> runnable) {
        for (int id : priorities) {
            if (runnable.contains(id)) {
                return id;
            }
        }
        return runnable.get(0);
    }

    @Override
    public String describe() {
        return "pct --seed " + seed + " --depth " + depth;
    }
}
