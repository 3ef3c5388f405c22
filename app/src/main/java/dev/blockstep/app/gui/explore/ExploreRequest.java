package dev.blockstep.app.gui.explore;

import dev.blockstep.engine.fix.FixVariant;

/**
 * One search as the user set it up.
 *
 * @param runs      random runs (random modes only)
 * @param maxStates the exhaustive search's budget of choice points
 * @param fix       the variant every explored run starts under
 */
public record ExploreRequest(ExploreMode mode, int runs, long seed, long maxStates, FixVariant fix) {
}
