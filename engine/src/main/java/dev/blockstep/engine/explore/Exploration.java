package dev.blockstep.engine.explore;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an exhaustive exploration found.
 *
 * @param states        choice points visited (each a distinct node of the search tree)
 * @param interleavings complete runs; with reduction each is one class of equivalent schedules
 * @param sleepBlocked  branches cut because every option was asleep (already covered elsewhere)
 * @param engineSteps   engine steps executed, replays included
 * @param endStates     distinct end states, in the order first reached
 * @param badSchedules  every complete run judged bad (corrupt, drifting or hung), in search order
 * @param truncated     the search stopped at --max-states before it was complete
 * @param cacheHits     states reached again by another order and not explored again (0 without the cache)
 */
public record Exploration(long states, long interleavings, long sleepBlocked, long engineSteps,
                          Map<String, EndState> endStates, List<Counterexample> badSchedules, boolean truncated,
                          long nanos, long cacheHits) {

    /** One distinct end state, how often it was reached, and the first schedule that reached it. */
    public record EndState(Verdict verdict, long runs, Counterexample first) { }

    public Exploration {
        endStates = new LinkedHashMap<>(endStates);
        badSchedules = List.copyOf(badSchedules);
    }

    public long badEndStates() {
        return endStates.values().stream().filter(e -> e.verdict().bad()).count();
    }

    public long corruptEndStates() {
        return endStates.values().stream().filter(e -> e.verdict().corrupt()).count();
    }

    public long driftEndStates() {
        return endStates.values().stream().filter(e -> !e.verdict().drifts().isEmpty()).count();
    }

    /** The first bad run found, or null. */
    public Counterexample firstCounterexample() {
        return badSchedules.isEmpty() ? null : badSchedules.get(0);
    }

    public double statesPerSecond() {
        return nanos == 0 ? 0 : states * 1e9 / nanos;
    }

    static List<Counterexample> list() {
        return new ArrayList<>();
    }
}
