package dev.blockstep.app.cli;

import dev.blockstep.engine.explore.Exploration;
import dev.blockstep.engine.explore.Explorer;
import dev.blockstep.engine.explore.Judge;
import dev.blockstep.engine.explore.QemuImgCheck;
import dev.blockstep.engine.explore.Scenario;
import dev.blockstep.engine.explore.VariantMatrix;
import dev.blockstep.engine.fix.FixVariant;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code verify --matrix}: every fix variant on every scenario, each an exhaustive search with the same budgets as
 * {@code verify}. Counterexamples go into the {@code -o} directory only, one per bad cell, named
 * SCENARIO-VARIANT-counterexample.json.
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
    static VariantMatrix run(List<Scenario> scenarios, List<String> args, Path dir, long maxStates, long maxSteps)
            throws CliException {
        long t0 = System.nanoTime();
        List<VariantMatrix.Cell> cells = new ArrayList<>();
        for (int i = 0; i < scenarios.size(); i++) {
            for (FixVariant v : FixVariant.all()) {
                Scenario s = scenarios.get(i).withFix(v);
                Exploration x = new Explorer(s.setup(), new Judge(s.setup(), new QemuImgCheck()), true, maxStates, 1)
                        .maxEngineSteps(maxSteps).run();
                String saved = dir == null ? null
                        : ExploreCommand.save(s, x.firstCounterexample(), output(dir, args.get(i), v), "verify", null);
                cells.add(new VariantMatrix.Cell(args.get(i), v, x, saved));
            }
        }
        return new VariantMatrix(args, FixVariant.all(), cells, System.nanoTime() - t0);
    }
}
