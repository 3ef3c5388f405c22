package dev.blockstep.app.cli;

import dev.blockstep.engine.explore.Exploration;
import dev.blockstep.engine.explore.ExplorationReport;
import dev.blockstep.engine.explore.Judge;
import dev.blockstep.engine.explore.QemuImgCheck;
import dev.blockstep.engine.explore.Scenario;
import dev.blockstep.engine.explore.ScenarioException;
import dev.blockstep.engine.explore.SearchSettings;
import dev.blockstep.engine.explore.ParallelSearches;
import dev.blockstep.engine.explore.VariantMatrix;
import dev.blockstep.engine.fix.FixVariant;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code blockstep verify}: the CI verdict. Explores every scenario exhaustively and prints a JSON report.
 * Exit 0 when every search was complete and no schedule is bad (corrupt, drifting or hung), 2 when a bad
 * schedule was found, 3 when no bad schedule was found but a search stopped at a budget (no verdict earned),
 * 1 on bad input. Counterexample traces are written only into the directory {@code -o} names.
 *
 * <p>{@code --fix-variants} lists the fix variants; {@code --matrix} runs every variant on every scenario
 * ({@link VerifyMatrix}) and prints a table, or JSON with {@code --json}: exit 0 when every search was complete
 * (whatever it found: corruption under {@code none} is the expected answer), 3 when one stopped at a budget.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Exhaustively explore scenarios; exit 0 when no schedule corrupts, 2 when one does, "
                + "3 when a search stopped at a budget before it was complete (JSON report).")
public final class VerifyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    FixOption fix;

    @Mixin
    SearchOptions search;

    @Option(names = "--max-states", paramLabel = "N", defaultValue = "1000000",
            description = "Stop each search after N states (default ${DEFAULT-VALUE}); the report says it is incomplete.")
    long maxStates;

    @Option(names = "--max-steps", paramLabel = "N", defaultValue = "20000000",
            description = "Stop each search after N engine steps, replays included (default ${DEFAULT-VALUE}); "
                    + "the report says it is incomplete.")
    long maxSteps;

    @Option(names = {"-o", "--counterexample-dir"}, paramLabel = "DIR",
            description = "Save each scenario's first counterexample trace into DIR (default: save none).")
    String dir;

    @Option(names = "--fix-variants", description = "List the fix variants (name, then where its gate sits) and exit.")
    boolean listVariants;

    @Option(names = "--matrix", description = "Verify every fix variant on every scenario; print a table of "
            + "variants × scenarios (clean, or the first counterexample's check line and its trace under -o).")
    boolean matrix;

    @Option(names = "--json", description = "With --matrix: the same as JSON.")
    boolean json;

    @Parameters(arity = "0..*", paramLabel = "SCENARIO", description = "Scenario files.")
    List<String> scenarios = new ArrayList<>();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (listVariants) {
            for (FixVariant v : FixVariant.all()) {
                out.println(v.id() + "\t" + v.description());
            }
            out.flush();
            return 0;
        }
        if (scenarios.isEmpty() || json && !matrix || matrix && fix.chosen() != null) {
            err.println("blockstep verify: " + (scenarios.isEmpty() ? "expected at least one SCENARIO"
                    : json ? "--json goes with --matrix (verify prints JSON already)"
                    : "--matrix runs every variant; drop --fix"));
            err.flush();
            return 1;
        }
        if (search.problem() != null) {
            err.println("blockstep verify: " + search.problem());
            err.flush();
            return 1;
        }
        if (maxStates < 1 || maxSteps < 1) {
            err.println("blockstep verify: expected a positive number for " + (maxStates < 1 ? "--max-states"
                    : "--max-steps"));
            err.flush();
            return 1;
        }
        List<Scenario> loaded = new ArrayList<>();
        List<Path> inputs = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        for (String a : scenarios) {
            try {
                Scenario s = ScenarioLoader.load(a);
                loaded.add(s);
                inputs.addAll(ScenarioLoader.inputs(a, s));
                Path ce = ScenarioLoader.defaultCounterexample(a);
                // without -o nothing is written: a CI verdict must not drop files into the working directory
                Path d = dir == null ? null : CliFiles.path(dir, "--counterexample-dir");
                if (d == null) {
                    outputs.add(null);
                } else if (matrix) {
                    FixVariant.all().forEach(v -> outputs.add(VerifyMatrix.output(d, a, v)));
                } else {
                    outputs.add(d.resolve(ce.getFileName()));
                }
            } catch (CliException e) {
                err.println("blockstep verify: " + e.getMessage());
                err.flush();
                return 1;
            } catch (ScenarioException e) {
                err.println("blockstep verify: " + e.getMessage());
                err.flush();
                return 1;
            }
        }
        try {
            for (Path ce : outputs) {
                if (ce == null) {
                    continue;
                }
                ScenarioLoader.checkOutput(ce, "its counterexample", inputs);
            }
        } catch (ScenarioException e) {
            err.println("blockstep verify: " + e.getMessage());
            err.flush();
            return 1;
        }
        if (matrix) {
            return printMatrix(loaded, out, err);
        }
        boolean anyBad = false;
        boolean anyIncomplete = false;
        List<String> parts = new ArrayList<>();
        List<Scenario> under = new ArrayList<>();
        List<Supplier<Exploration>> searches = new ArrayList<>();
        for (Scenario s0 : loaded) {
            Scenario s = s0.withFix(fix.orElse(s0.setup().fix()));
            under.add(s);
            searches.add(() -> settings().explorer(s.setup(), new Judge(s.setup(), new QemuImgCheck()), 1).run());
        }
        List<Exploration> done = ParallelSearches.run(searches, settings().threads());
        for (int i = 0; i < loaded.size(); i++) {
            Scenario s = under.get(i);
            FixVariant fixOn = s.setup().fix();
            Exploration x = done.get(i);
            String saved = null;
            try {
                if (outputs.get(i) != null) {
                    saved = ExploreCommand.save(s, x.firstCounterexample(), outputs.get(i), "verify", null);
                }
            } catch (CliException e) {
                err.println("blockstep verify: " + e.getMessage());
                err.flush();
                return 1;
            }
            anyBad |= x.firstCounterexample() != null;
            anyIncomplete |= x.truncated();
            parts.add(ExplorationReport.json(scenarios.get(i), fixOn, true, x, saved));
        }
        // A bad schedule found is a verdict even when a search was cut short; "clean" needs every search complete.
        String verdict = anyBad ? "bad" : anyIncomplete ? "inconclusive" : "clean";
        out.println("{\"verdict\": \"" + verdict + "\", \"scenarios\": [");
        for (int i = 0; i < parts.size(); i++) {
            out.println("  " + parts.get(i) + (i + 1 < parts.size() ? "," : ""));
        }
        out.println("]}");
        out.flush();
        err.flush();
        return anyBad ? 2 : anyIncomplete ? 3 : 0;
    }

    private SearchSettings settings() {
        return new SearchSettings(maxStates, maxSteps, search.preemptionBound, search.threads());
    }

    private int printMatrix(List<Scenario> loaded, PrintWriter out, PrintWriter err) {
        VariantMatrix m;
        try {
            m = VerifyMatrix.run(loaded, scenarios, dir == null ? null : CliFiles.path(dir, "--counterexample-dir"),
                    settings());
        } catch (CliException e) {
            err.println("blockstep verify: " + e.getMessage());
            err.flush();
            return 1;
        }
        if (json) {
            out.println(m.json());
        } else {
            m.human().forEach(out::println);
        }
        out.flush();
        return m.complete() ? 0 : 3;
    }
}
