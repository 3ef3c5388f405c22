package dev.blockstep.engine.qcow2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.blockstep.engine.block.BlockJobSpec;
import dev.blockstep.engine.block.MirrorJob;
import dev.blockstep.engine.qcow2.format.BackingFile;
import dev.blockstep.engine.testing.MirrorJobRun;
import dev.blockstep.engine.testing.MirrorOutcome;
import dev.blockstep.engine.testing.QemuChain;
import dev.blockstep.engine.testing.QemuMirrorJobs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An active block-commit (top into base, top being the guest's own image) run alone on real qemu 7.2 (qemu-system,
 * QMP block-commit without top-node, job-complete on BLOCK_JOB_READY) and blockstep's {@link MirrorJob} in commit
 * mode on the same chain: the bases must be byte-identical, and neither job may change the top. The job's copies
 * run in parallel in qemu and each allocates its host cluster in the base when its read completes, so where a
 * commit allocates several new clusters their order changes from run to run (5 distinct bases in 40 runs with
 * three new clusters, docs/evidence.md); this chain gives the base one new cluster, which takes the host cluster
 * the zero op freed just before, and qemu's base was the same in 100 runs of 100.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BlockActiveCommitReferenceTest {

    @TempDir
    Path dir;

    /**
     * base: 0x11 over [0, 192k), 0x12 over [512k, 576k); top: 0x22 over [64k, 128k), a zero cluster over
     * [128k, 192k) (hiding base data), 0x23 at [512k, 516k) (a partial cluster over base data), 0x24 over
     * [768k, 832k).
     */
    private Path chain(String sub) throws Exception {
        return QemuChain.create(dir.resolve(sub), "1M",
                new QemuChain.Layer("base.qcow2", "write -P 0x11 0 192k", "write -P 0x12 512k 64k"),
                new QemuChain.Layer("top.qcow2", "write -P 0x22 64k 64k", "write -z 128k 64k",
                        "write -P 0x23 512k 4k", "write -P 0x24 768k 64k"));
    }

    @Test
    void blockstepsActiveCommitLeavesTheBaseQemusLeaves() throws Exception {
        Path q = chain("qemu");
        byte[] topBefore = Files.readAllBytes(q.resolve("top.qcow2"));
        QemuMirrorJobs.activeCommit(q, "if=none,id=d0,node-name=top,format=qcow2,file=" + q.resolve("top.qcow2")
                + ",backing.node-name=base", "top", "base");

        Path ours = chain("ours");
        Path top = ours.resolve("top.qcow2");
        BackingImage base = BackingChain.of(top).open(new BackingFile("base.qcow2", "qcow2"));
        MirrorJobRun run = MirrorJobRun.alone(top, "top.qcow2", base, new BlockJobSpec.ActiveCommit());
        run.writeTarget(ours.resolve("base-after.qcow2"));
        run.writeSource(ours.resolve("top-after.qcow2"));

        MirrorOutcome.assertSameOutcome(q.resolve("base.qcow2"), ours.resolve("base-after.qcow2"), "base");
        assertArrayEquals(Files.readAllBytes(q.resolve("base.qcow2")),
                Files.readAllBytes(ours.resolve("base-after.qcow2")), "base bytes");
        assertArrayEquals(topBefore, Files.readAllBytes(q.resolve("top.qcow2")), "qemu changed the top");
        assertArrayEquals(topBefore, Files.readAllBytes(ours.resolve("top-after.qcow2")), "blockstep changed the top");
    }
}
