package dev.blockstep.engine.explore;

import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.coroutine.SchedulingPolicy;

/** How a random search draws schedules. */
public enum Strategy {
    /** Every open choice is a uniform seeded draw. */
    UNIFORM,
    /** Probabilistic concurrency testing with depth 3: random priorities and a few random priority drops. */
    PCT;

    /** A fresh policy for one run; PCT spreads its priority drops over {@code expectedSteps} steps. */
    public SchedulingPolicy policy(long seed, long expectedSteps) {
        return this == UNIFORM ? Policies.seededRandom(seed) : Policies.pct(seed, 3, (int) Math.max(1, Math.min(expectedSteps, Integer.MAX_VALUE)));
    }

    public static Strategy parse(String s) {
        return switch (s) {
            case "uniform" -> UNIFORM;
            case "pct" -> PCT;
            default -> null;
        };
    }
}
