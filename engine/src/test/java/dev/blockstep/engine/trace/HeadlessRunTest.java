package dev.blockstep.engine.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.session.Engine;
import dev.blockstep.engine.session.EngineSession;
import dev.blockstep.engine.session.Workload;
import dev.blockstep.trace.Command;
import dev.blockstep.trace.FixSetting;
import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.Metadata;
import dev.blockstep.trace.Producer;
import dev.blockstep.trace.Trace;
import dev.blockstep.trace.io.TraceFile;
import dev.blockstep.trace.io.TraceReader;
import dev.blockstep.trace.io.TraceWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code blockstep run}'s headless path streams the workload from disk and keeps nothing behind the requests in
 * flight, yet leaves exactly the image and stderr the debugger's session leaves.
 */
class HeadlessRunTest {

    /** Writes, zero writes (with and without unmap), discards and aio requests over 16 clusters. */
    private static Trace mixed(int n, Metadata metadata) {
        List<Command> w = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long off = (long) (i * 7 % 16) << 16;
            String co = "c" + i;
            w.add(switch (i % 6) {
                case 0 -> new Command.Write(false, co, Producer.GUEST, off, 65536, i & 0xff, false, false, false);
                case 1 -> new Command.Write(true, co, Producer.GUEST, off + 4096, 8192, 0x5a, false, false, false);
                case 2 -> new Command.Write(true, co, Producer.GUEST, off, 65536, null, true, true, false);
                case 3 -> new Command.Discard(co, Producer.GUEST, off, 65536);
                case 4 -> new Command.Write(true, co, Producer.GUEST, off + 512, 1024, null, true, false, false);
                default -> new Command.AioFlush(null);
            });
        }
        return Trace.of(metadata, new ImageSetup.Fresh(16 << 20, 65536, List.of()), w, FixSetting.off());
    }

    @Test
    void headlessRunLeavesTheSessionsImageAndStderr(@TempDir Path dir) throws Exception {
        for (Metadata m : List.of(Metadata.empty(), new Metadata("seeded", null, null, 7L, "random"))) {
            Path f = dir.resolve("t.json");
            TraceWriter.write(mixed(3000, m), f);
            TraceFile file = TraceReader.open(f);
            assertTrue(file.header().workload().isEmpty(), "the header must not hold the workload");
            EngineSession session = TraceRun.run(file, dir, "t.json", TraceRun.Options.DEFAULT);
            TraceRun.Result headless = TraceRun.headless(file, dir, "t.json", TraceRun.Options.DEFAULT);
            assertEquals(TraceImages.sha256(session.image()), TraceImages.sha256(headless.image()), m.toString());
            assertEquals(session.current().stderr(), headless.stderr());
            assertEquals(session.current().step(), headless.steps());
        }
    }

    @Test
    void headlessReplayFollowsARecordedScheduleFromDisk(@TempDir Path dir) throws Exception {
        Trace recorded = TraceReplayTest.recordWriteAndRead(TraceReplayTest.r1Source(),
                TraceReplayTest.run(TraceReplayTest.r1Source(), 3, 4), dir);
        Path f = dir.resolve("r2.json");
        TraceFile file = TraceReader.open(f);
        assertTrue(file.scheduleLength() > 0);
        EngineSession session = TraceReplay.replay(recorded, dir, "r2.json");
        TraceRun.Result headless = TraceRun.headless(file, dir, "r2.json", TraceRun.Options.DEFAULT);
        assertEquals(TraceImages.sha256(session.image()), TraceImages.sha256(headless.image()));
        assertEquals(session.current().step(), headless.steps());
    }

    @Test
    void aHeadlessEngineForgetsEveryFinishedRequest() throws Exception {
        Trace t = mixed(2000, Metadata.empty());
        Workload w = TraceReplay.workload(t, Path.of("."), "t", Policies::fifo);
        Engine kept = new Engine(w);
        kept.runToEnd();
        Engine headless = new Engine(w).forgetFinished();
        headless.runToEnd();
        assertTrue(kept.scheduler().coroutines().size() > 1000, "the debugger's engine keeps its coroutines");
        assertEquals(0, headless.scheduler().coroutines().size(), "finished coroutines are dropped");
        assertEquals(0, headless.commands().all().size(), "finished commands are dropped");
        assertEquals(0, headless.node().outputCount(), "stdout is not kept");
        assertEquals(TraceImages.sha256(kept.file()), TraceImages.sha256(headless.file()));
    }
}
