package dev.blockstep.app.cli;

import dev.blockstep.engine.explore.Scenario;
import dev.blockstep.engine.explore.SearchSettings;
import dev.blockstep.engine.explore.VariantMatrix;
import dev.blockstep.engine.fix.FixVariant;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code verify --matrix}: {@link VariantMatrix} with {@code verify}'s budgets. Counterexamples go into the
 * {@code -o} directory only, one per bad cell, named SCENARIO-VARIANT-counterexample.json.
 */
final class VerifyMatrix {

    private VerifyMatrix() {
    }

    /** The counterexample file of a cell under {@code dir}. */
    static Path output(Path dir, String scenarioArg, FixVariant v) {
        String base = ScenarioLoader.defaultCounterexample(scenarioArg).getFileName().toString();
        return dir.resolve(base.replace("-counterexample.json", "-" + v.id() + "-counterexample.json"));
    }

    /** @param dir the -o directory, or null to save nothing */
    static VariantMatrix run(List<Scenario> scenarios, List<String> args, Path dir, SearchSettings settings)
            throws CliException {
        return VariantMatrix.run(scenarios, args, settings, (name, s, first) -> dir == null ? null
                : ExploreCommand.save(s, first, output(dir, name, s.setup().fix()), "verify", null));
    }
}
