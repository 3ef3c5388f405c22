package dev.blockstep.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.trace.Command;
import dev.blockstep.trace.CoroutineRenaming;
import dev.blockstep.trace.Trace;
import dev.blockstep.trace.io.TraceReader;
import dev.blockstep.trace.io.TraceWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** minimize reads the names of the shipped samples, and of traces that name coroutines their own way. */
class ShippedSampleNamesTest {
    private static final Path MINIMAL_RACE = Path.of("..", "samples", "src", "main", "resources", "samples",
            "minimal-race.json");

    @TempDir
    Path dir;

    @Test
    void minimizeAcceptsTheShippedMinimalRace() throws Exception {
        Path min = dir.resolve("min.json");
        var r = CheckCommandTest.blockstep("minimize", MINIMAL_RACE.toString(), "-o", min.toString());
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stdout().startsWith("requests: 2 -> 2"), r.stdout());
        assertEquals(Arrays.asList("W1", "Z2", null),
                TraceReader.read(min).workload().stream().map(Command::coroutine).toList());
    }

    @Test
    void minimizeMapsATracesOwnNamesToTheEngineCoroutinesByCommand() throws Exception {
        Trace shipped = TraceReader.read(MINIMAL_RACE);
        Trace old = new CoroutineRenaming(Map.of("W1", "w0", "Z2", "z1"), shipped.coroutines()).apply(shipped);
        Path oldFile = dir.resolve("old-names.json");
        TraceWriter.write(old, oldFile);
        var r = CheckCommandTest.blockstep("minimize", oldFile.toString(), "-o", dir.resolve("min.json").toString());
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stdout().startsWith("requests: 2 -> 2"), r.stdout());
    }

    @Test
    void aScheduleNamingACoroutineTheTraceDoesNotHaveIsOneLine() throws Exception {
        Trace shipped = TraceReader.read(MINIMAL_RACE);
        // The schema lets a schedule name only main or the workload's coroutines, so rename the workload only.
        Trace bad = new Trace(shipped.formatVersion(), shipped.metadata(), shipped.image(),
                shipped.workload().stream().map(c -> c.coroutine() == null ? c : c.withCoroutine(c.coroutine() + "x"))
                        .toList(), shipped.fix(), shipped.schedule(), shipped.checkpoints(), null);
        Path f = dir.resolve("bad.json");
        TraceWriter.write(bad, f);
        var r = CheckCommandTest.blockstep("minimize", f.toString(), "-o", dir.resolve("min.json").toString());
        assertEquals(1, r.exitCode());
        assertEquals(1, r.stderr().lines().count(), r.stderr());
    }
}
