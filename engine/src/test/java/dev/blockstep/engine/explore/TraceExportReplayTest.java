package dev.blockstep.engine.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.session.EngineSession;
import dev.blockstep.engine.trace.TraceReplay;
import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.Trace;
import dev.blockstep.trace.io.TraceReader;
import dev.blockstep.trace.io.TraceWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An exported counterexample goes through the same trace replay the debugger opens files with. */
class TraceExportReplayTest {

    @Test
    void theMinimalRaceCounterexampleReplaysStepForStepAndEndsCorrupt(@TempDir Path dir) throws Exception {
        ExploreSetup s = Qcow2Scenarios.minimalRace(false);
        Counterexample ce = Qcow2Scenarios.explore(s, true).firstCounterexample();
        // The setup session of Qcow2Scenarios.minimalRace, as a trace's image section.
        var setup = List.of(
                (dev.blockstep.trace.Command) TraceCommands.toTrace(Qcow2Scenarios.parse("write -P 0x11 0 64k").get(0),
                        null, dev.blockstep.trace.Producer.GUEST),
                TraceCommands.toTrace(Qcow2Scenarios.parse("write -z 0 64k").get(0), null,
                        dev.blockstep.trace.Producer.GUEST));
        Trace t = TraceExport.of(s, new ImageSetup.Fresh(16 << 20, 65536, setup), ce, "ce", "explore-exhaustive", null);
        Path file = dir.resolve("ce.json");
        TraceWriter.write(t, file);
        EngineSession session = TraceReplay.replay(TraceReader.open(file), dir, "ce.json");
        assertEquals(ce.schedule().size(), session.engine().scheduler().stepIndex());
        assertTrue(session.engine().finished());
        assertFalse(new QemuImgCheck().errors(session.engine().file()).isEmpty(), "the replayed image is corrupt");
        assertEquals(ce.verdict().imageHash(), session.engine().file().contentHash(), "the same end image");
        assertTrue(Files.size(file) > 0);
    }
}
