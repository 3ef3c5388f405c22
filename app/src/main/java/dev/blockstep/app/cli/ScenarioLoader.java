package dev.blockstep.app.cli;

import dev.blockstep.engine.explore.Scenario;
import dev.blockstep.engine.explore.ScenarioException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

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
        try {
            return Scenario.load(p);
        } catch (RuntimeException e) {
            throw new ScenarioException(arg + ": " + e.getMessage());
        }
    }

    /** The default counterexample file next to the working directory: "minimal-race-counterexample.json". */
    static Path defaultCounterexample(String scenarioArg) {
        String name = Path.of(scenarioArg).getFileName().toString();
        if (name.endsWith(".json")) {
            name = name.substring(0, name.length() - 5);
        }
        return Path.of(name + "-counterexample.json");
    }
}
