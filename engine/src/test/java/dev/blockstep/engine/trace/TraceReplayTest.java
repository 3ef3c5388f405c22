package dev.blockstep.engine.trace;

import dev.blockstep.engine.fix.FixVariant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.session.EngineSession;
import dev.blockstep.engine.snapshot.Step;
import dev.blockstep.trace.Checkpoint;
import dev.blockstep.trace.FixSetting;
import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.Metadata;
import dev.blockstep.trace.NodeOptions;
import dev.blockstep.trace.WorkloadProducer;
import dev.blockstep.trace.ScheduleEntry;
import dev.blockstep.trace.Trace;
import dev.blockstep.trace.importer.QemuIoScriptImporter;
import dev.blockstep.trace.io.TraceReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recording an engine run as a trace file and replaying that file on a fresh engine. */
class TraceReplayTest {

    static final String R1 = "aio_write -P 0x22 0 64k\naio_write -z -u 0 64k\naio_write -P 0x33 64k 64k\naio_flush\n";

    static Trace r1Source() throws Exception {
        List<dev.blockstep.trace.Command> setup = QemuIoScriptImporter.setup("write -P 0x11 0 64k\nwrite -z 0 64k\n",
                "setup");
        return QemuIoScriptImporter.importScript(R1, "r2.txt", new ImageSetup.Fresh(16 << 20, 65536, setup));
    }

    /** Runs the source trace's workload under a seeded random policy, flipping the fix at {@code flipAt} (or not). */
    static EngineSession run(Trace source, long seed, int flipAt) throws Exception {
        EngineSession s = new EngineSession(TraceReplay.workload(source, Path.of("."), "r2",
                () -> Policies.seededRandom(seed)));
        for (int i = 0; i < 10_000 && !s.current().finished(); i++) {
            if (i == flipAt) {
                s.setFix(source.fix().initial().equals("patch") ? FixVariant.NONE : FixVariant.PATCH);
            }
            s.step();
        }
        assertTrue(s.current().finished(), "run did not finish");
        return s;
    }

    static Trace recordWriteAndRead(Trace source, EngineSession s, Path dir) throws Exception {
        Trace recorded = TraceRecorder.record(source, new Metadata("r2", null, "TraceReplayTest", 7L, "random"), s);
        Path file = dir.resolve("r2.json");
        TraceRecorder.write(recorded, file);
        Trace back = TraceReader.read(file);
        assertEquals(recorded, back);
        return back;
    }

    @Test
    void aRecordedRunReplaysToTheSameStepsAndBytes(@TempDir Path dir) throws Exception {
        for (long seed = 1; seed <= 12; seed++) {
            EngineSession original = run(r1Source(), seed, -1);
            Trace trace = recordWriteAndRead(r1Source(), original, dir);
            EngineSession replayed = TraceReplay.replay(trace, dir, "r2.json");
            assertEquals(names(original.steps()), names(replayed.steps()), "seed " + seed);
            assertEquals(TraceImages.sha256(original.engine().file()), TraceImages.sha256(replayed.engine().file()));
            assertEquals(original.current().stderr(), replayed.current().stderr());
        }
    }

    @Test
    void aRecordingKeepsTheProducerAndNodeOptionsAndReplaysOnTheirStack(@TempDir Path dir) throws Exception {
        Trace source = r1Source().withProducer(new WorkloadProducer(WorkloadProducer.Tool.HMP_QEMU_IO, 1, "d0"),
                new NodeOptions(NodeOptions.Discard.UNMAP, NodeOptions.DetectZeroes.UNMAP, null));
        EngineSession original = run(source, 5, -1);
        Trace trace = recordWriteAndRead(source, original, dir);
        assertEquals(source.producer(), trace.producer());
        assertEquals(source.node(), trace.node());
        EngineSession replayed = TraceReplay.replay(trace, dir, "r2.json");
        assertEquals(names(original.steps()), names(replayed.steps()));
        assertEquals(TraceImages.sha256(original.engine().file()), TraceImages.sha256(replayed.engine().file()));
    }

    @Test
    void theFixFlipIsRecordedAndReplayedAtItsStep(@TempDir Path dir) throws Exception {
        EngineSession original = run(r1Source(), 3, 4);
        Trace trace = recordWriteAndRead(r1Source(), original, dir);
        assertEquals(FixSetting.ofToggles(false, List.of(4L)), trace.fix());
        EngineSession replayed = TraceReplay.replay(trace, dir, "r2.json");
        assertEquals(TraceImages.sha256(original.engine().file()), TraceImages.sha256(replayed.engine().file()));
        assertEquals(original.flips(), replayed.flips());
    }

    @Test
    void aDifferentRunnableSetStopsTheReplayAtThatStep(@TempDir Path dir) throws Exception {
        Trace trace = recordWriteAndRead(r1Source(), run(r1Source(), 5, -1), dir);
        int k = 0;
        while (trace.schedule().get(k).runnable().size() < 2) {
            k++;
        }
        List<ScheduleEntry> schedule = new ArrayList<>(trace.schedule());
        ScheduleEntry e = schedule.get(k);
        List<String> fewer = List.of(e.chosen());
        schedule.set(k, new ScheduleEntry(e.chosen(), fewer, e.step(), null));
        Trace tampered = new Trace(1, trace.metadata(), trace.image(), trace.workload(), trace.fix(), schedule,
                List.of(), null);
        TraceReplayException ex = assertThrows(TraceReplayException.class,
                () -> TraceReplay.replay(tampered, dir, "t.json"));
        List<String> engine = new ArrayList<>(new java.util.TreeSet<>(e.runnable()));
        assertEquals("t.json: step " + k + ": the engine can run " + engine + ", the trace recorded ["
                + e.chosen() + "] (and chose " + e.chosen() + ")", ex.getMessage());
    }

    @Test
    void aCheckpointTheRunDoesNotReachIsReportedWithItsStep(@TempDir Path dir) throws Exception {
        Trace trace = recordWriteAndRead(r1Source(), run(r1Source(), 5, -1), dir);
        Checkpoint end = trace.checkpoints().get(0);
        TreeMap<Long, Long> l2 = new TreeMap<>(end.l2());
        l2.put(0L, 0x8000000000990000L);
        Trace tampered = new Trace(1, trace.metadata(), trace.image(), trace.workload(), trace.fix(),
                trace.schedule(), List.of(new Checkpoint(end.step(), null, l2, end.refcounts())), null);
        TraceReplayException ex = assertThrows(TraceReplayException.class,
                () -> TraceReplay.replay(tampered, dir, "t.json"));
        assertEquals("t.json: step " + end.step() + ": L2 entry of guest cluster 0 is 0x"
                + Long.toHexString(end.l2().get(0L)) + ", the trace expects 0x8000000000990000", ex.getMessage());
    }

    @Test
    void theRecordedScheduleNamesQemuIosLoopMainAndTheCoroutinesAsTheEngineDoes(@TempDir Path dir) throws Exception {
        Trace trace = recordWriteAndRead(r1Source(), run(r1Source(), 2, -1), dir);
        assertEquals("main", trace.schedule().get(0).chosen());
        assertEquals(new java.util.TreeSet<>(List.of("main", "W1", "Z2", "W3")), new java.util.TreeSet<>(
                trace.schedule().stream().map(ScheduleEntry::chosen).toList()));
    }

    static List<String> names(List<Step> steps) {
        return steps.stream().map(s -> s.coroutine() + ":" + s.name()).toList();
    }

    @Test
    void aTraceFileReplaysWithItsScheduleStreamedFromDisk(@TempDir Path dir) throws Exception {
        EngineSession original = run(r1Source(), 9, -1);
        recordWriteAndRead(r1Source(), original, dir);
        EngineSession replayed = TraceReplay.replay(TraceReader.open(dir.resolve("r2.json")), dir, "r2.json");
        assertEquals(names(original.steps()), names(replayed.steps()));
    }
}
