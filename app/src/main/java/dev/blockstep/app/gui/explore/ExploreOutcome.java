package dev.blockstep.app.gui.explore;

import java.util.List;

/**
 * What a search found, for the counts and the counterexample list.
 *
 * @param states        choice points visited (exhaustive), or engine steps run (random)
 * @param interleavings complete runs
 * @param badRuns       runs judged bad (corrupt, drifting or hung)
 * @param complete      the search covered everything it was asked to (not cancelled, not out of budget)
 */
public record ExploreOutcome(ExploreRequest request, long states, long interleavings, long endStates,
                             long corruptEndStates, long driftEndStates, long badRuns, boolean complete,
                             boolean cancelled, List<Found> found, long millis) {
    public ExploreOutcome {
        found = List.copyOf(found);
    }
}
