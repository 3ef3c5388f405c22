package dev.blockstep.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.block.CommitJob;
import dev.blockstep.engine.block.MirrorJob;
import dev.blockstep.engine.event.EngineEventSink;
import dev.blockstep.engine.explore.Exploration;
import dev.blockstep.engine.explore.ExploreSetup;
import dev.blockstep.engine.explore.Explorer;
import dev.blockstep.engine.explore.Judge;
import dev.blockstep.engine.explore.QemuImgCheck;
import dev.blockstep.engine.explore.Scenario;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.BackingImage;
import dev.blockstep.engine.qcow2.Qcow2Driver;
import dev.blockstep.engine.session.EngineSession;
import dev.blockstep.engine.testing.MirrorOutcome;
import dev.blockstep.engine.testing.Qemu;
import dev.blockstep.engine.testing.QemuMirrorJobs;
import dev.blockstep.engine.testing.QemuSystem;
import dev.blockstep.engine.trace.TraceRun;
import dev.blockstep.trace.JobCommand;
import dev.blockstep.trace.Trace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The job samples, block-stream-discard, block-commit-discard and blockdev-mirror-discard: a real block job beside
 * guest zero writes with unmap and discards. Their descriptions say what the replay shows, what every interleaving blockstep models
 * shows (exhaustive exploration, fixed and unfixed), and what real qemu 7.2 did in a few short qemu-system runs of
 * the same chain, job and guest commands; this test proves each of the three.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class JobSamplesTest {
    /** Real runs per job: few and short, so "0 of n" shows these orders are clean, not that all are. */
    static final int REAL_RUNS = 3;

    @TempDir
    Path dir;

    /** The guest view of the sample's top after a FIFO replay, read through the chain the job left. */
    static byte[] blockstepView(String name) throws Exception {
        EngineSession s = SampleRuns.replay(name, TraceRun.Options.DEFAULT);
        assertTrue(s.engine().finished(), name);
        BackingImage below = s.engine().scheduler().coroutines().stream().filter(c -> c instanceof CommitJob)
                .map(c -> (BackingImage) new BackingImage.Qcow2(((CommitJob) c).base())).findFirst().orElse(null);
        if (name.contains("stream")) {
            assertNull(s.engine().node().driver().backingFile(), "the stream dropped the backing link");
        } else {
            assertEquals("base.qcow2", s.engine().node().driver().backingFile().name());
        }
        Qcow2Driver top = Qcow2Driver.open(s.engine().file().copy(), name, EngineEventSink.NONE,
                below == null ? null : link -> below);
        byte[] view = new byte[(int) SampleWorkloads.CHAIN_SIZE];
        new BackingImage.Qcow2(top).read(0, view, 0, view.length);
        return view;
    }

    /** The sample's chain made by qemu-img and qemu-io 7.2 in {@code d}. */
    static void realChain(Path d, long topBytes) throws Exception {
        Files.createDirectories(d);
        String base = d.resolve("base.qcow2").toString();
        String mid = d.resolve("mid.qcow2").toString();
        String top = d.resolve("top.qcow2").toString();
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", base, "256k").exitCode());
        assertEquals(0, Qemu.io("-f", "qcow2", "-c", "write -P 0x11 0 128k", base).exitCode());
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", mid, "256k")
                .exitCode());
        assertEquals(0, Qemu.io("-f", "qcow2", "-c", "write -P 0x33 64k 4k", mid).exitCode());
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", "-b", "mid.qcow2", "-F", "qcow2", top, "256k")
                .exitCode());
        assertEquals(0, Qemu.io("-f", "qcow2", "-c", "write -P 0x21 0 " + topBytes, top).exitCode());
    }

    /**
     * One real run: qemu-system with the chain on drive d0 (discard=unmap, as qemu-io's own BlockBackend has it),
     * the trace's job command over QMP, then the guest's commands through HMP qemu-io in the same write, so they
     * run while the job does.
     */
    static void realRun(Path d, Trace t) throws Exception {
        try (QemuSystem qemu = QemuSystem.start(d, "if=none,id=d0,node-name=top,format=qcow2,file="
                + d.resolve("top.qcow2") + ",discard=unmap,backing.node-name=mid,backing.backing.node-name=base")) {
            JobCommand job = t.job();
            var a = QemuSystem.args().put("job-id", job.jobId()).put("device", "d0");
            if (job instanceof JobCommand.BlockCommit c) {
                // the trace's file names as node names: qemu 7.2 deprecates top/base file names for block-commit
                a.put("top-node", "mid").put("base-node", "base").put("backing-file", c.backingFile());
            }
            qemu.execute(job.execute(), a);
            guest(qemu);
            assertEquals(job.type(), qemu.awaitEvent("BLOCK_JOB_COMPLETED").path("type").asText());
        }
    }

    /** The samples' guest commands through HMP qemu-io on drive d0, the first asynchronous. */
    static void guest(QemuSystem qemu) throws Exception {
        for (String g : new String[] {"aio_write -z -u 0 64k", "discard 64k 64k"}) {
            qemu.execute("human-monitor-command", QemuSystem.args().put("command-line", "qemu-io d0 \"" + g + "\""));
        }
    }

    static byte[] realView(Path top) throws Exception {
        Path raw = top.resolveSibling("view.raw");
        assertEquals(0, Qemu.img("convert", "-f", "qcow2", "-O", "raw", top.toString(), raw.toString()).exitCode());
        return Files.readAllBytes(raw);
    }

    /**
     * Real runs are clean and, for the commit, read as the replay does. For the stream they read either as the
     * replay does (qemu's copy-on-read filter, which blockstep models, dropped the discard while the job ran and the
     * stream copied the cluster up) or with the discarded cluster reading as zeros (the discard applied): the
     * description names both.
     */
    @ParameterizedTest
    @ValueSource(strings = {"block-stream-discard", "block-commit-discard"})
    void realQemuSystemRunsLeaveCleanImagesWithTheGuestViewsTheDescriptionNames(String name) throws Exception {
        Trace t = Samples.open(name);
        byte[] want = blockstepView(name);
        byte[] discardApplied = want.clone();
        java.util.Arrays.fill(discardApplied, 65536, 131072, (byte) 0);
        boolean stream = name.contains("stream");
        int applied = 0;
        for (int run = 0; run < REAL_RUNS; run++) {
            Path d = dir.resolve(name + "-" + run);
            realChain(d, stream ? 65536 : 131072);
            realRun(d, t);
            Qemu.Result check = Qemu.img("check", d.resolve("top.qcow2").toString());
            assertEquals(0, check.exitCode(), "run " + run + ": " + check.stdout() + check.stderr());
            assertEquals(0, Qemu.img("check", "-q", d.resolve("base.qcow2").toString()).exitCode());
            byte[] real = realView(d.resolve("top.qcow2"));
            if (stream && !Arrays.equals(want, discardApplied) && Arrays.equals(discardApplied, real)) {
                applied++;
            } else {
                assertArrayEquals(want, real, "run " + run);
            }
            Qemu.Result info = Qemu.img("info", "--output=json", d.resolve("top.qcow2").toString());
            assertEquals(!stream, info.stdout().contains("\"backing-filename\": \"base.qcow2\""), info.stdout());
        }
        System.out.println(name + ": " + REAL_RUNS + " real runs clean, " + applied + " with the discard applied where"
                + " the replay ignores it");
        String description = t.metadata().description();
        assertTrue(description.contains("corrupted 0 of 10 runs") && description.contains("No errors were found"),
                description);
        assertEquals(stream, description.contains("copy-on-read filter node above the top, opened without"
                + " BDRV_O_UNMAP"), description);
    }

    @ParameterizedTest
    @EnumSource(value = FixVariant.class, names = {"NONE", "PATCH"})
    void noInterleavingOfEitherJobWithTheGuestCorrupts(FixVariant fix) throws Exception {
        for (String name : new String[] {"block-stream-discard", "block-commit-discard", "blockdev-mirror-discard"}) {
            ExploreSetup s = Scenario.of(name, Samples.open(name), null).setup().withFix(fix);
            assertTrue(s.job() != null, name);
            Exploration x = new Explorer(s, new Judge(s, new QemuImgCheck()), true, 200_000, 10).run();
            System.out.println(name + " fix " + fix.id() + ": " + x.states() + " states, " + x.interleavings()
                    + " interleavings, " + x.endStates().size() + " end states, " + x.badEndStates() + " bad");
            assertFalse(x.truncated(), name);
            // engine-measured: the job and the guest interleave in more than one order
            assertTrue(x.interleavings() > 1, name + ": interleavings " + x.interleavings());
            assertEquals(0, x.badEndStates(), name);
            String d = Samples.open(name).metadata().description();
            assertTrue(d.contains(x.interleavings() + " interleavings, fix off and on alike")
                    || d.contains(x.interleavings() + (fix == FixVariant.NONE ? " interleavings with the fix off"
                            : " with it on, all clean")), d);
        }
    }

    /**
     * blockdev-mirror-discard against real qemu-system: the source image on drive d0 (discard=unmap), a fresh target
     * added with blockdev-add and its defaults, QMP blockdev-mirror as the trace names it, then the guest's commands
     * through HMP qemu-io while the job runs; once the job is ready it is completed, as blockstep's job is, which
     * pivots the drive onto the target. Source and target must agree with the replay's on everything {@link
     * MirrorOutcome} compares (content, map without host offsets, check, header) in every run.
     */
    @Test
    void realBlockdevMirrorRunsLeaveTheSourceAndTargetOfTheReplay() throws Exception {
        String name = "blockdev-mirror-discard";
        Trace t = Samples.open(name);
        JobCommand.BlockdevMirror job = (JobCommand.BlockdevMirror) t.job();
        EngineSession s = SampleRuns.replay(name, TraceRun.Options.DEFAULT);
        assertTrue(s.engine().finished() && s.engine().node().pivoted(), name);
        MirrorJob mirror = (MirrorJob) s.engine().scheduler().coroutines().stream()
                .filter(c -> c instanceof MirrorJob).findFirst().orElseThrow();
        Path ours = Files.createDirectories(dir.resolve("ours"));
        Files.write(ours.resolve("src.qcow2"), s.engine().file().read(0, (int) s.engine().file().length()));
        HostFile target = mirror.target().file();
        Files.write(ours.resolve("tgt.qcow2"), target.read(0, (int) target.length()));
        for (int run = 0; run < REAL_RUNS; run++) {
            Path d = Files.createDirectories(dir.resolve(name + "-" + run));
            String src = d.resolve("src.qcow2").toString();
            String tgt = d.resolve("tgt.qcow2").toString();
            assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", src, "128k").exitCode());
            assertEquals(0, Qemu.io("-f", "qcow2", "-c", "write -P 0x21 0 128k", src).exitCode());
            assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", tgt, "128k").exitCode());
            QemuMirrorJobs.mirror(d, "if=none,id=d0,node-name=src,format=qcow2,file=" + src + ",discard=unmap", "d0",
                    d.resolve("tgt.qcow2"), job.target(), job.copyMode() == null ? "background"
                            : JobCommand.qmpName(job.copyMode()), JobSamplesTest::guest);
            MirrorOutcome.assertSameOutcome(d.resolve("src.qcow2"), ours.resolve("src.qcow2"), "run " + run
                    + ": source");
            MirrorOutcome.assertSameOutcome(d.resolve("tgt.qcow2"), ours.resolve("tgt.qcow2"), "run " + run
                    + ": target");
        }
        String description = t.metadata().description();
        assertTrue(description.contains("corrupted 0 of 10 runs") && description.contains("No errors were found"),
                description);
    }
}
