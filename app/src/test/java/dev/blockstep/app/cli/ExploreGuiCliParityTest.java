package dev.blockstep.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.app.gui.explore.ExploreJob;
import dev.blockstep.app.gui.explore.ExploreMode;
import dev.blockstep.app.gui.explore.ExploreOutcome;
import dev.blockstep.app.gui.explore.ExploreRequest;
import dev.blockstep.engine.explore.Scenario;
import dev.blockstep.engine.fix.FixVariant;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Explore window's exhaustive search is explore --exhaustive's: the same counts, fix off and on. */
class ExploreGuiCliParityTest {
    private static final Path SCENARIOS = Path.of("..", "samples", "src", "main", "resources", "scenarios");

    private static long field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\": (\\d+)").matcher(json);
        assertTrue(m.find(), name + " in " + json);
        return Long.parseLong(m.group(1));
    }

    private static void same(String scenario, FixVariant fix) throws Exception {
        Path file = SCENARIOS.resolve(scenario + ".json");
        var cli = CheckCommandTest.blockstep("explore", "--exhaustive", "--json", "--fix=" + fix.id(), file.toString());
        assertEquals(0, cli.exitCode(), cli.stderr());
        ExploreOutcome gui = ExploreJob.run(Scenario.load(file),
                new ExploreRequest(ExploreMode.EXHAUSTIVE, 1, 1, 1_000_000, fix), () -> false, (f, t) -> { });
        assertTrue(gui.complete());
        String where = scenario + " fix " + fix.id() + ": " + cli.stdout();
        assertEquals(field(cli.stdout(), "states"), gui.states(), where);
        assertEquals(field(cli.stdout(), "interleavings"), gui.interleavings(), where);
        assertEquals(field(cli.stdout(), "endStates"), gui.endStates(), where);
        assertEquals(field(cli.stdout(), "corruptEndStates"), gui.corruptEndStates(), where);
        assertEquals(field(cli.stdout(), "driftEndStates"), gui.driftEndStates(), where);
        assertEquals(field(cli.stdout(), "badInterleavings"), gui.badRuns(), where);
    }

    @Test
    void minimalRaceUnfixedAndFixed() throws Exception {
        // minimal-race only: three-requests agrees too but takes seconds
        same("minimal-race", FixVariant.NONE);
        same("minimal-race", FixVariant.PATCH);
    }
}
