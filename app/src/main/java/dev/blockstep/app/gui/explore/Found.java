package dev.blockstep.app.gui.explore;

import dev.blockstep.engine.explore.Counterexample;
import dev.blockstep.engine.explore.Scenario;

/**
 * One bad run the search kept: enough to export it as a trace and to replay its choices with the fix flipped.
 *
 * @param scenario the scenario with the fix setting the run had
 * @param seed     the seed of a random run, null for an exhaustive one
 */
public record Found(int number, Scenario scenario, Counterexample counterexample, String policy, Long seed) {

    /** The list line: number, verdict and the open choices. */
    @Override
    public String toString() {
        return "#" + number + (seed != null ? " (seed " + seed + ")" : "") + "  "
                + counterexample.verdict().summary() + "   —   " + counterexample.describe();
    }
}
