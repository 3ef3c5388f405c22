package dev.blockstep.engine.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.blockstep.engine.block.RequestCoroutine;
import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.session.EngineSession;
import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.Metadata;
import dev.blockstep.trace.ScheduleEntry;
import dev.blockstep.trace.Trace;
import dev.blockstep.trace.importer.QemuIoScriptImporter;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Each request coroutine knows which workload command it runs; traces name coroutines by that link. */
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
    void aRequestCoroutineKnowsTheIndexOfTheCommandItRuns() throws Exception {
        EngineSession s = runFifo(source());
        List<Integer> indexes = s.engine().scheduler().coroutines().stream()
                .filter(c -> c instanceof RequestCoroutine).map(c -> ((RequestCoroutine) c).commandIndex()).toList();
        assertEquals(List.of(1, 2), indexes);
    }

    @Test
    void aRefusedCommandDoesNotShiftTheNamesOfTheCoroutinesAfterIt() throws Exception {
        Trace t = source();
        EngineSession s = runFifo(t);
        Trace recorded = TraceRecorder.record(t, new Metadata("link", null, "CommandLinkTest", null, "fifo"), s);
        Set<String> named = new TreeSet<>();
        for (ScheduleEntry e : recorded.schedule()) {
            named.add(e.chosen());
        }
        Set<String> expected = new TreeSet<>(List.of(Trace.MAIN_COROUTINE, t.workload().get(1).coroutine(),
                t.workload().get(2).coroutine()));
        assertEquals(expected, named);
        EngineSession replayed = TraceReplay.replay(recorded, Path.of("."), "link.json");
        assertEquals(TraceImages.sha256(s.engine().file()), TraceImages.sha256(replayed.engine().file()));
    }
}
