package dev.blockstep.app.cli;

import static dev.blockstep.app.cli.CheckCommandTest.blockstep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.app.cli.CheckCommandTest.Run;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code blockstep bench --quick} in-process: every row is there with positive figures (the values are not judged). */
class BenchCommandTest {

    private static final List<String> ROWS = List.of(
            "engine, 5000 aio commands, fix off (",
            "engine unobserved (as io runs it), 5000 aio commands, fix off (",
            "engine, 5000 aio commands, fix on (",
            "serial engine, 5000 commands",
            "check, 2 GiB image, 32768 data clusters",
            "heap holding that image (after GC)",
            "session, run to the end (",
            "heap holding that session (after GC)",
            "session, snapshot at the end",
            "session, go to step ",
            "session, step back at the end");

    private static final Pattern ROW = Pattern.compile(
            "(.+?)\\s+([0-9.]+)\\s+([0-9.]+)\\s+([0-9.]+)\\s+(steps/s|commands/s|ms|MiB)\\s+(\\d+)");

    @Test
    void quickBenchPrintsEveryRowWithPositiveMedianMinAndMax() {
        Run r = blockstep("bench", "--quick");
        assertEquals(0, r.exitCode(), r.stderr());
        String[] lines = r.stdout().split("\n");
        assertTrue(lines[0].startsWith("measurement"), r.stdout());
        int matched = 0;
        for (String want : ROWS) {
            boolean found = false;
            for (String line : lines) {
                Matcher m = ROW.matcher(line.strip());
                if (line.startsWith(want) && m.matches()) {
                    double median = Double.parseDouble(m.group(2));
                    double min = Double.parseDouble(m.group(3));
                    double max = Double.parseDouble(m.group(4));
                    assertTrue(min > 0 && median > 0 && max > 0, line);
                    assertTrue(min <= median && median <= max, line);
                    assertTrue(Integer.parseInt(m.group(6)) >= 1, line);
                    found = true;
                    matched++;
                }
            }
            assertTrue(found, "no row '" + want + "' with numbers in:\n" + r.stdout());
        }
        assertEquals(ROWS.size() + 1, matched, "one row each, two 'go to step' rows:\n" + r.stdout());
    }

    @Test
    void jsonOutputListsTheSameRows() {
        Run r = blockstep("bench", "--quick", "--json");
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stdout().strip().startsWith("[") && r.stdout().strip().endsWith("]"), r.stdout());
        // plus the exploration rows: 3 scenarios x fix off/on x (wall, CPU, states/s)
        assertEquals(ROWS.size() + 1 + 18, r.stdout().split("\"name\"").length - 1, r.stdout());
        for (String want : ROWS) {
            assertTrue(r.stdout().contains("\"name\": \"" + want), want + " missing in " + r.stdout());
        }
    }
}
