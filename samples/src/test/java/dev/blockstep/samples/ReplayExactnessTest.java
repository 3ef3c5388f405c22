package dev.blockstep.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.session.EngineSession;
import dev.blockstep.engine.snapshot.Step;
import dev.blockstep.engine.trace.TraceImages;
import dev.blockstep.engine.trace.TraceRecorder;
import dev.blockstep.engine.trace.TraceReplay;
import dev.blockstep.engine.trace.TraceReplayException;
import dev.blockstep.engine.trace.TraceRun;
import dev.blockstep.trace.Checkpoint;
import dev.blockstep.trace.Trace;
import dev.blockstep.trace.io.TraceReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Record, save, replay: the same steps and the same image bytes; periodic checkpoints catch a drift. */
class ReplayExactnessTest {

    static final List<String> NAMES = Samples.NAMES;

    private static List<String> describe(List<Step> steps) {
        List<String> out = new ArrayList<>(steps.size());
        for (Step s : steps) {
            out.add(s.coroutine() + " " + s.name() + " " + s.runnable());
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("NAMES")
    void recordingSavingAndReplayingGivesTheSameStepsAndImageBytes(String name, @TempDir Path tmp) throws Exception {
        EngineSession first = SampleRuns.replay(name, TraceRun.Options.DEFAULT);
        Trace recorded = TraceRecorder.record(Samples.open(name), Samples.open(name).metadata(), first, 1000);
        Path file = tmp.resolve(name + ".json");
        TraceRecorder.write(recorded, file);
        Samples.copyBaseImages(name, tmp);

        EngineSession again = TraceReplay.replay(TraceReader.open(file), tmp, name);
        assertEquals(describe(first.steps()), describe(again.steps()));
        assertEquals(TraceImages.sha256(first.engine().file()), TraceImages.sha256(again.engine().file()));
    }

    @Test
    void theRecorderWritesAHashCheckpointEveryThousandStepsAndTheFinalState() throws Exception {
        Trace t = Samples.open("upstream-regression-z");
        List<Checkpoint> cps = t.checkpoints();
        assertEquals(t.schedule().size() / 1000 + 1, cps.size());
        for (int i = 0; i + 1 < cps.size(); i++) {
            assertEquals(1000L * (i + 1), cps.get(i).step());
        }
        Checkpoint last = cps.get(cps.size() - 1);
        assertEquals(t.schedule().size(), last.step());
        assertTrue(!last.l2().isEmpty() && !last.refcounts().isEmpty());
    }

    @Test
    void aReplayWhoseStateDiffersFromAPeriodicCheckpointStopsAtThatStep() throws Exception {
        Trace t = Samples.open("upstream-regression-z");
        List<Checkpoint> cps = new ArrayList<>(t.checkpoints());
        Checkpoint c = cps.get(4);
        cps.set(4, new Checkpoint(c.step(), "0".repeat(64), c.l2(), c.refcounts()));
        Trace tampered = new Trace(t.formatVersion(), t.metadata(), t.image(), t.workload(), t.fix(), t.schedule(),
                cps, t.qemuLog());
        TraceReplayException e = assertThrows(TraceReplayException.class,
                () -> TraceReplay.replay(tampered, Path.of("."), "tampered.json"));
        assertTrue(e.getMessage().startsWith("tampered.json: step 5000: the image bytes hash to "), e.getMessage());
    }
}
