package dev.blockstep.engine.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.block.MirrorJob;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.session.EngineSession;
import dev.blockstep.engine.testing.MirrorOutcome;
import dev.blockstep.engine.testing.QemuChain;
import dev.blockstep.engine.testing.QemuMirrorJobs;
import dev.blockstep.trace.BackingLayer;
import dev.blockstep.trace.Command;
import dev.blockstep.trace.FixSetting;
import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.JobCommand;
import dev.blockstep.trace.Metadata;
import dev.blockstep.trace.Producer;
import dev.blockstep.trace.Trace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trace's block-commit without top commits the active layer: qemu runs it as commit_active_start, blockstep as
 * its {@link MirrorJob} in commit mode. Run from a trace, it leaves the image below the active layer as real
 * qemu-system 7.2's block-commit does (job-complete on BLOCK_JOB_READY), and the active layer untouched; a base
 * blockstep's active commit does not write is refused in one line.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ActiveCommitTraceTest {
    private static final long SIZE = 256 * 1024;

    @TempDir
    Path dir;

    private static Command write(long offset, long bytes, int pattern) {
        return new Command.Write(false, null, Producer.GUEST, offset, bytes, pattern, false, false, false);
    }

    /** base: 0x11 over [0, 128k); mid: 0x33 at [64k, 68k); top: 0x21 over [0, 64k) and 0x22 at [192k, 196k). */
    private static Trace trace(JobCommand job) {
        ImageSetup base = new ImageSetup.Fresh(SIZE, 65536, List.of(write(0, 131072, 0x11)));
        ImageSetup mid = new ImageSetup.Fresh(SIZE, 65536, List.of(write(65536, 4096, 0x33)),
                new BackingLayer("base.qcow2", "qcow2", base));
        ImageSetup top = new ImageSetup.Fresh(SIZE, 65536, List.of(write(0, 65536, 0x21), write(196608, 4096, 0x22)),
                new BackingLayer("mid.qcow2", "qcow2", mid));
        return Trace.of(Metadata.empty(), top, List.of(), FixSetting.off()).withJob(job);
    }

    @Test
    void anActiveCommitFromATraceLeavesTheImageBelowAsQemusDoes() throws Exception {
        EngineSession s = TraceRun.run(trace(new JobCommand.BlockCommit("c0", "d0", null, "mid.qcow2", null, 0)), dir,
                "t.json", TraceRun.Options.DEFAULT);
        assertTrue(s.engine().finished() && s.engine().node().pivoted(), "the guest was not pivoted onto mid");
        MirrorJob job = (MirrorJob) s.engine().scheduler().coroutines().stream().filter(c -> c instanceof MirrorJob)
                .findFirst().orElseThrow();
        Path ours = Files.createDirectories(dir.resolve("ours"));
        HostFile mid = job.target().file();
        Files.write(ours.resolve("mid.qcow2"), mid.read(0, (int) mid.length()));
        byte[] topBefore = TraceRun.run(trace(null), dir, "t.json", TraceRun.Options.DEFAULT).engine().file()
                .read(0, (int) s.engine().file().length());
        assertArrayEquals(topBefore, s.engine().file().read(0, (int) s.engine().file().length()),
                "blockstep changed the active layer");

        Path q = QemuChain.create(dir.resolve("qemu"), "256k", new QemuChain.Layer("base.qcow2", "write -P 0x11 0 128k"),
                new QemuChain.Layer("mid.qcow2", "write -P 0x33 64k 4k"),
                new QemuChain.Layer("top.qcow2", "write -P 0x21 0 64k", "write -P 0x22 192k 4k"));
        byte[] realTopBefore = Files.readAllBytes(q.resolve("top.qcow2"));
        // the trace's base file name as a node name: qemu 7.2 deprecates file names for block-commit's base
        QemuMirrorJobs.activeCommit(q, "if=none,id=d0,node-name=top,format=qcow2,file=" + q.resolve("top.qcow2")
                + ",backing.node-name=mid,backing.backing.node-name=base", "d0", "mid");
        // mid still names base.qcow2, which neither job writes: the real one serves both
        Files.copy(q.resolve("base.qcow2"), ours.resolve("base.qcow2"));
        MirrorOutcome.assertSameOutcome(q.resolve("mid.qcow2"), ours.resolve("mid.qcow2"), "mid");
        assertArrayEquals(realTopBefore, Files.readAllBytes(q.resolve("top.qcow2")), "qemu changed the active layer");
    }

    @Test
    void aBaseTheActiveCommitDoesNotWriteIsRefusedInOneLine() {
        for (String base : new String[] {"base.qcow2", null}) {
            TraceReplayException e = assertThrows(TraceReplayException.class, () -> TraceRun.run(trace(
                    new JobCommand.BlockCommit("c0", "d0", null, base, null, 0)), dir, "t.json",
                    TraceRun.Options.DEFAULT));
            assertTrue(e.getMessage().startsWith("t.json: $.job.arguments.base: blockstep's active commit writes the"
                    + " image right below the active layer (mid.qcow2), got "), e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        }
    }
}
