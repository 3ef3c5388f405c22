package dev.blockstep.app.cli;

import dev.blockstep.engine.explore.Counterexample;
import dev.blockstep.engine.explore.Exploration;
import dev.blockstep.engine.explore.ExplorationReport;
import dev.blockstep.engine.explore.Explorer;
import dev.blockstep.engine.explore.FirstCorruption;
import dev.blockstep.engine.explore.Judge;
import dev.blockstep.engine.explore.QemuImgCheck;
import dev.blockstep.engine.explore.RandomSearch;
import dev.blockstep.engine.explore.Scenario;
import dev.blockstep.engine.explore.ScenarioException;
import dev.blockstep.engine.explore.SplitSearch;
import dev.blockstep.engine.explore.Strategy;
import dev.blockstep.engine.explore.TraceExport;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.trace.io.TraceWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code blockstep explore}: every interleaving of a small scenario (exhaustive, with sleep-set reduction), or
 * seeded random schedules. Reports states, interleavings, end states and the first counterexample, which is
 * saved as a trace file the GUI can open. Never changes any input file.
 */
@Command(name = "explore", mixinStandardHelpOptions = true,
        description = "Explore the interleavings of a scenario and report corrupt end states and data drift.")
public final class ExploreCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    FixOption fix;

    @Mixin
    SearchOptions search;

    static final class Mode {
        @Option(names = "--exhaustive", required = true, description = "Visit every distinct interleaving.")
        boolean exhaustive;

        @Option(names = "--random", required = true, paramLabel = "N", description = "Run N seeded random schedules.")
        Integer random;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Mode mode;

    @Option(names = "--max-states", paramLabel = "N", defaultValue = "1000000",
            description = "Stop an exhaustive search after N states (default ${DEFAULT-VALUE}).")
    long maxStates;

    @Option(names = "--no-reduction", description = "Enumerate every schedule, without partial-order reduction.")
    boolean noReduction;

    @Option(names = "--no-source-sets", description = "Explore every coroutine not asleep at each state, instead "
            + "of only those that races found below need (source-set DPOR).")
    boolean noSourceSets;

    @Option(names = "--no-state-cache", description = "Explore a state again when another order reaches it "
            + "(the cache is on with reduction, and off with --list-schedules, which lists every bad schedule).")
    boolean noStateCache;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "First seed (default 1).")
    long seed;

    @Option(names = "--strategy", paramLabel = "uniform|pct", defaultValue = "uniform",
            description = "Random schedule strategy (default uniform).")
    String strategy;

    @Option(names = "--list-schedules", description = "List every bad schedule found (exhaustive).")
    boolean listSchedules;

    @Option(names = {"-o", "--counterexample"}, paramLabel = "FILE",
            description = "Save the first counterexample trace to FILE (default: save none, as verify does).")
    String counterexample;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Parameters(index = "0", paramLabel = "SCENARIO", description = "Scenario file (a trace file without schedule).")
    String scenarioArg;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Strategy st = Strategy.parse(strategy);
        if (st == null) {
            err.println("blockstep explore: --strategy: expected uniform or pct, got \"" + strategy + "\"");
            err.flush();
            return 1;
        }
        if (search.problem() != null) {
            err.println("blockstep explore: " + search.problem());
            err.flush();
            return 1;
        }
        if (search.threads > 0 && search.preemptionBound >= 0) {
            err.println("blockstep explore: --threads and --preemption-bound do not go together");
            err.flush();
            return 1;
        }
        if (maxStates < 1 || (mode.random != null && mode.random < 1)) {
            err.println("blockstep explore: expected a positive number for " + (maxStates < 1 ? "--max-states"
                    : "--random"));
            err.flush();
            return 1;
        }
        Scenario sc;
        Path ceFile;
        try {
            sc = ScenarioLoader.load(scenarioArg);
            // Like verify, explore writes only where it is told to: never beside the scenario or into the cwd.
            ceFile = counterexample == null ? null : CliFiles.path(counterexample, "-o");
            if (ceFile != null) {
                ScenarioLoader.checkOutput(ceFile, "-o", ScenarioLoader.inputs(scenarioArg, sc));
            }
        } catch (CliException e) {
            err.println("blockstep explore: " + e.getMessage());
            err.flush();
            return 1;
        } catch (ScenarioException e) {
            err.println("blockstep explore: " + e.getMessage());
            err.flush();
            return 1;
        }
        if (sc.openRepair() != null) {
            // every run starts from the repaired image, as each qemu-io opening the dirty file would
            err.println("blockstep explore: " + sc.openRepair().summary());
            err.flush();
        }
        try {
            return explore(sc, ceFile, st, out);
        } catch (CliException e) {
            out.flush();
            err.println("blockstep explore: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    private int explore(Scenario sc, Path ceFile, Strategy st, PrintWriter out) throws CliException {
        FixVariant fixOn = fix.orElse(sc.setup().fix());
        Scenario s = sc.withFix(fixOn);
        Judge judge = new Judge(s.setup(), new QemuImgCheck());
        if (mode.exhaustive) {
            Supplier<Explorer> explorer = () -> new Explorer(s.setup(), new Judge(s.setup(), new QemuImgCheck()),
                    !noReduction, maxStates, listSchedules ? 100_000 : 1)
                    .cacheStates(!noReduction && !noStateCache && !listSchedules && Explorer.cachePays(s.setup()))
                    .sourceSets(!noSourceSets && !listSchedules).preemptionBound(search.preemptionBound);
            Exploration x = search.threads == 0 ? explorer.get().run()
                    : SplitSearch.run(s.setup(), explorer, search.threads);
            String saved = save(s, x.firstCounterexample(), ceFile, "explore-exhaustive", null);
            if (json) {
                out.println(ExplorationReport.json(scenarioArg, fixOn, !noReduction, x, saved));
            } else {
                ExplorationReport.human(scenarioArg, fixOn, !noReduction, x, listSchedules).forEach(out::println);
                if (x.firstCounterexample() != null) {
                    out.println(counterexampleLine(saved));
                }
            }
        } else {
            RandomSearch r = search.threads == 0 ? RandomSearch.run(s.setup(), judge, mode.random, seed, st)
                    : RandomSearch.parallel(s.setup(), mode.random, seed, st, search.threads);
            String saved = save(s, r.first(), ceFile, st == Strategy.PCT ? "pct" : "random", seed + r.firstBadRun());
            out.println("scenario " + scenarioArg + ", fix " + fixOn.id() + ", " + r.runs() + " "
                    + strategy + " random schedules from seed " + seed);
            out.printf("bad runs: %d of %d (detection rate %.4f)%n", r.badRuns(), r.runs(), r.detectionRate());
            out.printf("engine steps: %d, time: %.1f ms%n", r.engineSteps(), r.nanos() / 1e6);
            if (r.first() != null) {
                out.println("first bad run: #" + (r.firstBadRun() + 1) + " (seed " + (seed + r.firstBadRun()) + "): "
                        + r.first().verdict().summary());
                out.println(counterexampleLine(saved));
            }
            FirstCorruption fc = FirstCorruption.find(s.setup(), st.policy(seed, r.engineSteps() / Math.max(1, r.runs())),
                    new QemuImgCheck(), true);
            out.println(fc.commandsIssued() < 0 ? "run with seed " + seed + ": qemu-img check clean at every drain point"
                    : "run with seed " + seed + ": qemu-img check first fails after " + fc.commandsIssued()
                    + " requests (" + fc.firstError() + ")");
        }
        out.flush();
        return 0;
    }

    private static String counterexampleLine(String saved) {
        return saved != null ? "counterexample trace: " + saved
                : "counterexample trace: not saved (give -o FILE to save it)";
    }

    /** Saves the counterexample, if any and if there is a file, and returns the file's name (null when none). */
    static String save(Scenario s, Counterexample c, Path file, String policy, Long seed) throws CliException {
        if (c == null || file == null) {
            return null;
        }
        try {
            TraceWriter.write(TraceExport.of(s.setup(), s.trace().image(), s.trace().job(), c, "counterexample of " + s.name(),
                    policy, seed), file);
            return file.toString();
        } catch (IOException e) {
            throw new CliException("cannot write counterexample " + file + ": " + e.getMessage());
        }
    }
}
