package dev.blockstep.engine.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.event.EngineEventSink;
import dev.blockstep.engine.explore.Counterexample;
import dev.blockstep.engine.explore.ExploreSetup;
import dev.blockstep.engine.explore.Scenario;
import dev.blockstep.engine.explore.ScenarioException;
import dev.blockstep.engine.explore.ScheduleReplay;
import dev.blockstep.engine.explore.TraceExport;
import dev.blockstep.engine.explore.Verdict;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.BackingImage;
import dev.blockstep.engine.qcow2.Qcow2Driver;
import dev.blockstep.engine.session.EngineSession;
import dev.blockstep.engine.testing.Qemu;
import dev.blockstep.trace.BackingLayer;
import dev.blockstep.trace.Command;
import dev.blockstep.trace.FixSetting;
import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.JobCommand;
import dev.blockstep.trace.Metadata;
import dev.blockstep.trace.Producer;
import dev.blockstep.trace.ScheduleEntry;
import dev.blockstep.trace.Trace;
import dev.blockstep.trace.io.TraceReader;
import dev.blockstep.trace.io.TraceWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trace that names a block job starts it beside its workload in every way a trace runs: headless, in a
 * session, replayed from a recorded schedule that names the job's coroutines, and as an explorer scenario; it
 * starts after the workload commands the trace says; what blockstep does not model is refused in one line.
 */
class JobTraceRunTest {
    private static final long SIZE = 256 * 1024;

    private static Command write(String co, long offset, long bytes, int pattern) {
        return new Command.Write(co != null, co, Producer.GUEST, offset, bytes, pattern, false, false, false);
    }

    /** base: 0x11 over [0, 128k) and 0x33 at [64k, 68k) of mid; top: 0x21 over its first cluster. */
    static Trace jobTrace(JobCommand job) {
        ImageSetup base = new ImageSetup.Fresh(SIZE, 65536, List.of(write(null, 0, 131072, 0x11)));
        ImageSetup mid = new ImageSetup.Fresh(SIZE, 65536, List.of(write(null, 65536, 4096, 0x33)),
                new BackingLayer("base.qcow2", "qcow2", base));
        ImageSetup top = new ImageSetup.Fresh(SIZE, 65536, List.of(write(null, 0, 65536, 0x21)),
                new BackingLayer("mid.qcow2", "qcow2", mid));
        return Trace.of(Metadata.empty(), top, List.of(
                new Command.Write(true, "z0", Producer.GUEST, 0, 65536, null, true, true, false),
                new Command.Discard("d1", Producer.GUEST, 131072, 65536)), FixSetting.off()).withJob(job);
    }

    private static final JobCommand STREAM = new JobCommand.BlockStream("job0", "drive0", null, null, 0);

    private static byte[] guestView(HostFile top) throws Exception {
        byte[] out = new byte[(int) SIZE];
        new BackingImage.Qcow2(Qcow2Driver.open(top.copy(), "top", EngineEventSink.NONE)).read(0, out, 0, out.length);
        return out;
    }

    @Test
    void aStreamTraceRunsTheStreamHeadlessAndInASession(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("stream.json");
        TraceWriter.write(jobTrace(STREAM), f);
        TraceRun.Result headless = TraceRun.headless(TraceReader.open(f), dir, "stream.json", TraceRun.Options.DEFAULT);
        // the stream dropped the backing link, so the top opens alone and reads the data streamed into it
        byte[] want = new byte[(int) SIZE];
        java.util.Arrays.fill(want, 65536, 131072, (byte) 0x11);
        java.util.Arrays.fill(want, 65536, 65536 + 4096, (byte) 0x33);
        assertArrayEquals(want, guestView(headless.image()));
        EngineSession s = TraceRun.run(TraceReader.read(f), dir, "stream.json", TraceRun.Options.DEFAULT);
        assertArrayEquals(want, guestView(s.engine().file()));
        assertTrue(s.engine().scheduler().coroutines().stream().anyMatch(c -> c.name().equals("stream")));
    }

    /** blockdev-mirror from a trace runs mirror_run to its pivot, in both copy modes. */
    @Test
    void aMirrorTraceRunsTheMirrorToItsPivot(@TempDir Path dir) throws Exception {
        for (JobCommand.CopyMode mode : JobCommand.CopyMode.values()) {
            JobCommand mirror = new JobCommand.BlockdevMirror("job0", "drive0", "target0",
                    new ImageSetup.Fresh(SIZE, 65536, List.of()), JobCommand.Sync.FULL, mode, null, 0);
            EngineSession s = TraceRun.run(jobTrace(mirror), dir, "t.json", TraceRun.Options.DEFAULT);
            assertTrue(s.engine().scheduler().coroutines().stream().anyMatch(c -> c.name().equals("mirror")), mode
                    + ": no mirror coroutine");
            assertTrue(s.engine().node().pivoted(), mode + ": the guest was not pivoted onto the target");
        }
        assertFalse(TraceRun.run(jobTrace(null), dir, "t.json", TraceRun.Options.DEFAULT).engine().node().pivoted());
    }

    /**
     * blockdev-mirror into a target the trace sets up: 0x55 over its first two clusters, over a backing file of 0x44
     * everywhere. sync=full copies or zeroes every chunk, so after the pivot the guest sees the source's view (its
     * zero write done, its discard stopped at mirror_top) and nothing of the target's old data or backing file.
     */
    @Test
    void aMirrorTraceRunsIntoAnExistingTargetWithDataAndABackingFile(@TempDir Path dir) throws Exception {
        ImageSetup tbase = new ImageSetup.Fresh(SIZE, 65536, List.of(write(null, 0, SIZE, 0x44)));
        ImageSetup target = new ImageSetup.Fresh(SIZE, 65536, List.of(write(null, 0, 131072, 0x55)),
                new BackingLayer("tbase.qcow2", "qcow2", tbase));
        for (JobCommand.CopyMode mode : JobCommand.CopyMode.values()) {
            JobCommand mirror = new JobCommand.BlockdevMirror("job0", "drive0", "tgt.qcow2", target,
                    JobCommand.Sync.FULL, mode, null, 0);
            EngineSession s = TraceRun.run(jobTrace(mirror), dir, "t.json", TraceRun.Options.DEFAULT);
            assertTrue(s.engine().node().pivoted(), mode + ": the guest was not pivoted onto the target");
            assertEquals("tbase.qcow2", s.engine().node().driver().backingFile().name());
            byte[] want = new byte[(int) SIZE];
            java.util.Arrays.fill(want, 65536, 131072, (byte) 0x11);
            java.util.Arrays.fill(want, 65536, 65536 + 4096, (byte) 0x33);
            byte[] got = new byte[(int) SIZE];
            new BackingImage.Qcow2(s.engine().node().driver()).read(0, got, 0, got.length);
            assertArrayEquals(want, got, mode + ": the guest's view of the target");
        }
    }

    /** A target given as a file next to the trace (0x55 everywhere, by qemu-img and qemu-io) is mirrored on a copy. */
    @Test
    void aMirrorTraceRunsIntoATargetFileNextToTheTrace(@TempDir Path dir) throws Exception {
        Path t = dir.resolve("t.qcow2");
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", t.toString(), String.valueOf(SIZE)).exitCode());
        assertEquals(0, Qemu.io("-f", "qcow2", "-c", "write -P 0x55 0 " + SIZE, t.toString()).exitCode());
        byte[] before = java.nio.file.Files.readAllBytes(t);
        JobCommand mirror = new JobCommand.BlockdevMirror(null, "d", "t.qcow2", new ImageSetup.Base("t.qcow2", null,
                List.of(), null), JobCommand.Sync.FULL, null, null, 0);
        EngineSession s = TraceRun.run(jobTrace(mirror), dir, "t.json", TraceRun.Options.DEFAULT);
        assertTrue(s.engine().node().pivoted());
        byte[] want = new byte[(int) SIZE];
        java.util.Arrays.fill(want, 65536, 131072, (byte) 0x11);
        java.util.Arrays.fill(want, 65536, 65536 + 4096, (byte) 0x33);
        byte[] got = new byte[(int) SIZE];
        new BackingImage.Qcow2(s.engine().node().driver()).read(0, got, 0, got.length);
        assertArrayEquals(want, got, "the guest's view of the target");
        assertArrayEquals(before, java.nio.file.Files.readAllBytes(t), "the user's target file changed");
    }

    @Test
    void aMirrorTargetOnABaseFileNeedsTheScenarioToBeAFile() {
        JobCommand mirror = new JobCommand.BlockdevMirror(null, "d", "t", new ImageSetup.Base("t.qcow2", null,
                List.of(), null), JobCommand.Sync.FULL, null, null, 0);
        ScenarioException x = assertThrows(ScenarioException.class, () -> Scenario.of("t.json", jobTrace(mirror),
                null));
        assertEquals("t.json: $.job.targetImage: a base image needs the trace to be a file", x.getMessage());
    }

    @Test
    void withoutTheJobTheSameTraceKeepsItsBackingFile(@TempDir Path dir) throws Exception {
        EngineSession s = TraceRun.run(jobTrace(null), dir, "t.json", TraceRun.Options.DEFAULT);
        assertEquals("mid.qcow2", s.engine().node().driver().backingFile().name());
        assertFalse(s.engine().scheduler().coroutines().stream().anyMatch(c -> c.name().startsWith("stream")));
    }

    @Test
    void theJobStartsAfterTheCommandsTheTraceSays(@TempDir Path dir) throws Exception {
        for (int after = 0; after <= 2; after++) {
            EngineSession s = TraceRun.run(jobTrace(new JobCommand.BlockStream(null, "d", null, null, after)), dir,
                    "t.json", TraceRun.Options.DEFAULT);
            Trace rec = TraceRecorder.record(jobTrace(STREAM), Metadata.empty(), s);
            int mainSteps = 0;
            int first = -1;
            java.util.Set<String> issuedBefore = new java.util.HashSet<>();
            for (int i = 0; i < rec.schedule().size() && first < 0; i++) {
                ScheduleEntry e = rec.schedule().get(i);
                if (e.runnable().contains("stream")) {
                    first = i;
                } else if (e.chosen().equals(Trace.MAIN_COROUTINE)) {
                    mainSteps++;
                } else {
                    issuedBefore.add(e.chosen());
                }
            }
            // qemu-io's loop takes one step per command it issues; the job comes after the last command it comes
            // after, and, as the QMP command drains the node to insert the job's filter, after every request issued
            // before it has ended: none of those steps again
            assertTrue(first >= 0 && mainSteps >= after, "afterCommands " + after + ": " + rec.schedule());
            if (after == 0) {
                assertEquals(0, mainSteps, rec.schedule().toString());
            }
            for (ScheduleEntry e : rec.schedule().subList(first, rec.schedule().size())) {
                assertFalse(issuedBefore.contains(e.chosen()), "afterCommands " + after + ": " + e.chosen()
                        + " steps after the job started: " + rec.schedule());
            }
        }
    }

    @Test
    void aRecordedRunWithTheJobsCoroutinesReplaysFromItsFile(@TempDir Path dir) throws Exception {
        Trace source = jobTrace(new JobCommand.BlockStream(null, "d", null, null, 1));
        EngineSession s = TraceRun.run(source, dir, "t.json", new TraceRun.Options(null, 7L));
        Trace rec = TraceRecorder.record(source, Metadata.empty(), s);
        assertTrue(rec.schedule().stream().anyMatch(e -> e.chosen().equals("stream.cor")), rec.schedule().toString());
        Path f = dir.resolve("rec.json");
        TraceWriter.write(rec, f);
        Trace back = TraceReader.read(f);
        assertEquals(rec, back);
        EngineSession replayed = TraceReplay.replay(back, dir, "rec.json");
        assertArrayEquals(s.engine().file().read(0, (int) s.engine().file().length()),
                replayed.engine().file().read(0, (int) replayed.engine().file().length()));
        TraceRun.Result headless = TraceRun.headless(TraceReader.open(f), dir, "rec.json", TraceRun.Options.DEFAULT);
        assertEquals(rec.schedule().size(), headless.steps());
        Scenario sc = Scenario.of("rec.json", back, dir);
        assertEquals(1, sc.setup().jobAfter());
        List<Integer> choices = ScheduleReplay.choices(sc.setup(), sc.coroutineNames(), back.job(), back.schedule(),
                "rec.json");
        assertFalse(choices.isEmpty());
    }

    @Test
    void anExplorerScenarioStartsTheJob(@TempDir Path dir) throws Exception {
        ExploreSetup setup = Scenario.of("t.json", jobTrace(STREAM), dir).setup();
        var e = setup.newEngine();
        e.runToEnd();
        assertTrue(e.finished());
        assertNull(e.node().driver().backingFile());
    }

    @Test
    void anExportedRunNamesTheJobsCoroutinesAndReplays(@TempDir Path dir) throws Exception {
        Trace source = jobTrace(new JobCommand.BlockStream(null, "d", null, null, 1));
        ExploreSetup setup = Scenario.of("t.json", source, dir).setup();
        var e = setup.newEngine();
        List<Counterexample.ScheduledStep> steps = new java.util.ArrayList<>();
        List<Integer> choices = new java.util.ArrayList<>();
        while (!e.scheduler().runnable().isEmpty()) {
            List<Integer> runnable = e.scheduler().runnable();
            // the last runnable coroutine each time: the job and its requests run as soon as they can
            int chosen = runnable.get(runnable.size() - 1);
            choices.add(chosen);
            steps.add(new Counterexample.ScheduledStep(chosen, runnable, e.step(chosen).name()));
        }
        assertTrue(e.finished());
        Verdict v = new Verdict(e.file().contentHash(), List.of(), false, List.of(), List.of(), false);
        Trace t = TraceExport.of(setup, source.image(), source.job(),
                new Counterexample(choices, steps, List.of(), v, e.commands().all()), "run", "test", null);
        assertEquals(source.job(), t.job());
        assertTrue(t.schedule().stream().anyMatch(x -> x.chosen().equals("stream.cor")), t.schedule().toString());
        Path f = dir.resolve("x.json");
        TraceWriter.write(t, f);
        EngineSession replayed = TraceReplay.replay(TraceReader.open(f), dir, "x.json");
        assertEquals(steps.size(), replayed.engine().scheduler().stepIndex());
        assertEquals(e.file().contentHash(), replayed.engine().file().contentHash());
    }

    @Test
    void whatBlockstepDoesNotModelIsRefusedInOneLine(@TempDir Path dir) {
        Object[][] cases = {
            {new JobCommand.BlockStream(null, "d", "base.qcow2", null, 0),
                "t.json: $.job.arguments.base: blockstep streams the whole chain into the image (no base), got base "
                        + "base.qcow2"},
            {new JobCommand.BlockCommit(null, "d", "base.qcow2", null, null, 0),
                "t.json: $.job.arguments.top: blockstep commits the image's own backing file (mid.qcow2) into the "
                        + "one below it, or the image itself (no top), got top base.qcow2"},
            {new JobCommand.BlockdevMirror(null, "d", "t", new ImageSetup.Fresh(SIZE, 65536, List.of()),
                    JobCommand.Sync.TOP, null, null, 0),
                "t.json: $.job.arguments.sync: blockstep mirrors with sync=full, got top"},
            {new JobCommand.BlockdevMirror(null, "d", "t", new ImageSetup.Fresh(2 * SIZE, 65536, List.of()),
                    JobCommand.Sync.FULL, null, null, 0),
                "t.json: $.job.targetImage.virtualSize: expected the source's size (262144 bytes), got 524288"},
            {new JobCommand.BlockdevMirror(null, "d", "t", new ImageSetup.Fresh(2 * SIZE, 65536,
                    List.of(write(null, 0, 512, 0x55))), JobCommand.Sync.FULL, null, null, 0),
                "t.json: $.job.targetImage: expected the source's size (262144 bytes), got 524288"},
            {new JobCommand.BlockdevMirror(null, "d", "t", new ImageSetup.Fresh(SIZE, 65536, List.of()),
                    JobCommand.Sync.NONE, null, null, 0),
                "t.json: $.job.arguments.sync: blockstep mirrors with sync=full, got none"},
            {new JobCommand.BlockdevMirror(null, "d", "t", new ImageSetup.Fresh(SIZE, 65536, List.of()),
                    JobCommand.Sync.FULL, null, 3000L, 0),
                "t.json: $.job: blockdev-mirror: granularity 3000: expected 0 or a power of two from 512 to 64M"},
        };
        for (Object[] c : cases) {
            Trace t = jobTrace((JobCommand) c[0]);
            TraceReplayException e = assertThrows(TraceReplayException.class,
                    () -> TraceRun.run(t, dir, "t.json", TraceRun.Options.DEFAULT));
            assertEquals(c[1], e.getMessage());
            ScenarioException x = assertThrows(ScenarioException.class, () -> Scenario.of("t.json", t, dir));
            assertEquals(c[1], x.getMessage());
        }
    }
}
