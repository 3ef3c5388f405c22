package dev.blockstep.app.gui.explore;

/**
 * One search as the user set it up.
 *
 * @param runs      random runs (random modes only)
 * @param maxStates the exhaustive search's budget of choice points
 */
public record ExploreRequest(ExploreMode mode, int runs, long seed, long maxStates, boolean fix) {
}
