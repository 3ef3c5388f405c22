package dev.blockstep.engine.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.block.IssuedCommand;
import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.session.EngineSession;
import dev.blockstep.trace.Command;
import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.Metadata;
import dev.blockstep.trace.ScheduleEntry;
import dev.blockstep.trace.Trace;
import dev.blockstep.trace.importer.QemuIoScriptImporter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** qemu-io's loop records which coroutine runs each workload command; traces name coroutines by that record. */
class CommandLinkTest {

    /** The first command reaches past the 16 MiB disk: qemu-io refuses it and starts no coroutine for it. */
    private static final String SCRIPT = "aio_write -P 0x11 32M 64k\naio_write -P 0x22 0 64k\naio_write -z -u 0 64k\n"
            + "aio_flush\n";

    /** Imported for a 64 MiB disk (the importer refuses out-of-range commands), then run on a 16 MiB one. */
    private static Trace source() throws Exception {
        Trace t = QemuIoScriptImporter.importScript(SCRIPT, "link.txt", new ImageSetup.Fresh(64 << 20, 65536, List.of()));
        return new Trace(t.formatVersion(), t.metadata(), new ImageSetup.Fresh(16 << 20, 65536, List.of()), t.workload(),
                t.fix(), t.schedule(), t.checkpoints(), t.qemuLog());
    }

    private static EngineSession runFifo(Trace t) throws Exception {
        EngineSession s = new EngineSession(TraceReplay.workload(t, Path.of("."), "link", Policies::fifo));
        while (!s.current().finished()) {
            s.step();
        }
        return s;
    }

    @Test
    void qemuIoRecordsWhichCoroutineRanEachCommandAndARefusedOneRunsInNone() throws Exception {
        EngineSession s = runFifo(source());
        assertEquals(List.of(new IssuedCommand(0, 0, "qemu-io", IssuedCommand.Kind.REFUSED),
                new IssuedCommand(1, 1, "W1", IssuedCommand.Kind.REQUEST),
                new IssuedCommand(2, 2, "Z2", IssuedCommand.Kind.REQUEST),
                new IssuedCommand(3, 0, "qemu-io", IssuedCommand.Kind.DRAIN)), s.engine().commands().all());
    }

    @Test
    void theRecordSurvivesARestoreFromACheckpoint() throws Exception {
        Trace t = QemuIoScriptImporter.importScript("write -P 0x22 0 64k\n".repeat(120), "serial.txt",
                new ImageSetup.Fresh(16 << 20, 65536, List.of()));
        EngineSession s = runFifo(t);
        List<IssuedCommand> atEnd = s.engine().commands().all();
        int cp = s.checkpointSteps().last();
        assertTrue(cp > 0 && cp < s.historyLength(), "a checkpoint after some commands: " + s.checkpointSteps());
        s.goToStep(0);
        s.goToStep(cp + 1);
        assertEquals(atEnd.subList(0, s.engine().main().commandIndex()), s.engine().commands().all());
        s.goToStep(s.historyLength());
        assertEquals(atEnd, s.engine().commands().all());
    }

    @Test
    void aRecordedTraceNamesEachCoroutineAsTheEngineDoesAndARefusedCommandShiftsNothing() throws Exception {
        Trace t = source();
        EngineSession s = runFifo(t);
        Trace recorded = TraceRecorder.record(t, new Metadata("link", null, "CommandLinkTest", null, "fifo"), s);
        Set<String> named = new TreeSet<>();
        for (ScheduleEntry e : recorded.schedule()) {
            named.add(e.chosen());
        }
        assertEquals(new TreeSet<>(List.of(Trace.MAIN_COROUTINE, "W1", "Z2")), named);
        assertEquals(Arrays.asList(t.workload().get(0).coroutine(), "W1", "Z2", null),
                recorded.workload().stream().map(Command::coroutine).toList());
        EngineSession replayed = TraceReplay.replay(recorded, Path.of("."), "link.json");
        assertEquals(TraceImages.sha256(s.engine().file()), TraceImages.sha256(replayed.engine().file()));
    }

    @Test
    void aTraceWithItsOwnNamesStillReplaysByCommand() throws Exception {
        Trace t = source();
        EngineSession s = runFifo(t);
        Trace recorded = TraceRecorder.record(t, new Metadata("link", null, "CommandLinkTest", null, "fifo"), s);
        Trace old = new dev.blockstep.trace.CoroutineRenaming(java.util.Map.of("W1", "first", "Z2", "second"),
                recorded.coroutines()).apply(recorded);
        EngineSession replayed = TraceReplay.replay(old, Path.of("."), "old.json");
        assertEquals(TraceImages.sha256(s.engine().file()), TraceImages.sha256(replayed.engine().file()));
    }
}
