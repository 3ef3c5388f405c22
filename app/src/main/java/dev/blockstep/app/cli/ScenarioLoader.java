package dev.blockstep.app.cli;

import dev.blockstep.engine.explore.DataOracle;
import dev.blockstep.engine.explore.Scenario;
import dev.blockstep.engine.explore.ScenarioException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import dev.blockstep.trace.ImageSetup;

/** Opens a scenario file for the explore, verify and minimize commands, with one-line errors. */
final class ScenarioLoader {
    private ScenarioLoader() {
    }

    static Scenario load(String arg) throws ScenarioException {
        Path p;
        try {
            p = Path.of(arg);
        } catch (InvalidPathException e) {
            throw new ScenarioException(arg + ": not a valid path: " + e.getReason());
        }
        if (!Files.isRegularFile(p)) {
            throw new ScenarioException(arg + ": no such scenario file");
        }
        Scenario s;
        try {
            s = Scenario.load(p);
        } catch (RuntimeException e) {
            // the setup commands ran on a malformed base image
            throw new ScenarioException(arg + ": image setup failed: " + e.getMessage());
        }
        try {
            // the judge reads the start image's tables; one qemu could not read ends the search before it starts
            new DataOracle(s.setup());
        } catch (RuntimeException e) {
            throw new ScenarioException(arg + ": the start image cannot be read: " + e.getMessage());
        }
        return s;
    }

    /** The files a scenario was read from: the scenario and, when it has one, its base image. */
    static List<Path> inputs(String arg, Scenario s) {
        Path p = Path.of(arg);
        List<Path> in = new ArrayList<>(List.of(p));
        if (s.trace().image() instanceof ImageSetup.Base b) {
            in.add(p.toAbsolutePath().getParent().resolve(b.path()));
        }
        return in;
    }

    /** Refuses an output that would overwrite one of {@code inputs}, or that cannot be written. */
    static void checkOutput(Path out, String option, List<Path> inputs) throws ScenarioException {
        try {
            CliFiles.refuseOverwrite(out, option, inputs.toArray(Path[]::new));
            CliFiles.requireWritable(out);
        } catch (CliException e) {
            throw new ScenarioException(e.getMessage());
        }
    }

    /** The counterexample file name for a scenario, "minimal-race-counterexample.json" (verify puts it in -o DIR). */
    static Path defaultCounterexample(String scenarioArg) {
        String name = Path.of(scenarioArg).getFileName().toString();
        if (name.endsWith(".json")) {
            name = name.substring(0, name.length() - 5);
        }
        return Path.of(name + "-counterexample.json");
    }
}
