package dev.blockstep.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.blockstep.engine.block.IssuedCommand;
import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.explore.RandomSearch;
import dev.blockstep.engine.explore.Run;
import dev.blockstep.engine.explore.Scenario;
import dev.blockstep.engine.explore.ScheduleReplay;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every shipped sample and scenario names each request's coroutine as the engine does, so the trace file, the
 * debugger and the command line say the same thing; and every sample's schedule resolves to the engine's
 * coroutines the way minimize reads it.
 */
class SampleNamesTest {

    private static Scenario load(String resource) throws Exception {
        try (InputStream in = SampleNamesTest.class.getResourceAsStream(resource)) {
            return Scenario.load(in, resource);
        }
    }

    /** Each command that ran in a request coroutine carries that coroutine's name in the trace. */
    private static void namesAreTheEngines(Scenario s, Run run, String resource) {
        List<String> names = s.coroutineNames();
        for (IssuedCommand c : run.commands().all()) {
            if (c.hasRequest()) {
                assertEquals(c.name(), names.get(c.index()), resource + ": workload[" + c.index() + "]");
            }
        }
    }

    @Test
    void everySampleScheduleResolvesAndNamesCoroutinesAsTheEngineDoes() throws Exception {
        for (String name : Samples.NAMES) {
            String resource = Samples.resource(name);
            Scenario s = Scenario.of(resource, Samples.open(name), Samples.directory(name));
            List<Integer> choices = ScheduleReplay.choices(s.setup(), s.coroutineNames(), s.trace().job(),
                    s.trace().schedule(), resource);
            Run run = Run.replay(s.setup(), choices);
            assertEquals(s.trace().schedule().size(), run.stepCount(), resource);
            namesAreTheEngines(s, run, resource);
        }
    }

    @Test
    void everyScenarioNamesCoroutinesAsTheEngineDoes() throws Exception {
        List<String> files;
        try (Stream<Path> l = Files.list(Path.of("src", "main", "resources", "scenarios"))) {
            files = l.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".json")).sorted().toList();
        }
        assertEquals(16, files.size(), files.toString());
        for (String file : files) {
            String resource = "/scenarios/" + file;
            Scenario s = load(resource);
            namesAreTheEngines(s, RandomSearch.runOnce(s.setup(), Policies.fifo()), resource);
        }
    }
}
