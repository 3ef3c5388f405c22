package dev.blockstep.engine.qcow2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.block.BlockStack;
import dev.blockstep.engine.block.CommandSource;
import dev.blockstep.engine.block.CommitJob;
import dev.blockstep.engine.block.FilterNode;
import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.format.BackingFile;
import dev.blockstep.engine.session.Engine;
import dev.blockstep.engine.session.Workload;
import dev.blockstep.engine.testing.QemuChain;
import dev.blockstep.engine.testing.QemuSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An intermediate block-commit (mid into base, under the guest's top) on real qemu 7.2 (qemu-system, QMP
 * block-commit, no guest) and blockstep's {@link CommitJob} run alone on the same chain: base and top must be
 * byte-identical, and the committed image unchanged.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BlockCommitReferenceTest {

    @TempDir
    Path dir;

    /**
     * base: 0x11 over [0, 128k), 0x12 over [512k, 576k); mid: 0x33 over [64k, 192k), zeroes over [320k, 384k),
     * 0x34 at [768k, 772k); top: 0x22 at [0, 4k).
     */
    private Path chain(String sub) throws Exception {
        return QemuChain.create(dir.resolve(sub), "1M",
                new QemuChain.Layer("base.qcow2", "write -P 0x11 0 128k", "write -P 0x12 512k 64k"),
                new QemuChain.Layer("mid.qcow2", "write -P 0x33 64k 128k", "write -z 320k 64k",
                        "write -P 0x34 768k 4k"),
                new QemuChain.Layer("top.qcow2", "write -P 0x22 0 4k"));
    }

    @Test
    void blockstepsCommitJobLeavesTheImagesQemusCommitLeaves() throws Exception {
        Path q = chain("qemu");
        byte[] midBefore = Files.readAllBytes(q.resolve("mid.qcow2"));
        try (QemuSystem qemu = QemuSystem.start(q, "if=none,id=d0,node-name=top,format=qcow2,file="
                + q.resolve("top.qcow2") + ",backing.node-name=mid,backing.backing.node-name=base")) {
            qemu.execute("block-commit", QemuSystem.args().put("job-id", "c0").put("device", "top")
                    .put("top-node", "mid").put("base-node", "base").put("backing-file", "base.qcow2"));
            assertEquals("commit", qemu.awaitEvent("BLOCK_JOB_COMPLETED").path("type").asText());
        }
        assertArrayEquals(midBefore, Files.readAllBytes(q.resolve("mid.qcow2")), "qemu changed the committed image");

        Path ours = chain("ours");
        Path top = ours.resolve("top.qcow2");
        BackingImage backing = BackingChain.of(top).open(new BackingFile("mid.qcow2", "qcow2"));
        Engine e = new Engine(new Workload(HostFile.load(top), "top.qcow2", CommandSource.of(List.of()),
                FixVariant.NONE, Policies::fifo, BlockStack.QEMU_IO, backing));
        CommitJob job = CommitJob.start(e.scheduler().nextId(), "commit", e.node(), "base.qcow2");
        assertEquals(List.of(FilterNode.Kind.COMMIT_TOP), e.node().filters().stream().map(FilterNode::kind).toList());
        e.scheduler().spawn(job);
        e.runToEnd();
        assertTrue(e.finished());
        assertEquals(List.of(), e.node().filters());
        assertEquals(new BackingFile("base.qcow2", "qcow2"), e.node().driver().backingFile());
        HostFile base = job.base().file();
        assertArrayEquals(Files.readAllBytes(q.resolve("base.qcow2")), base.read(0, (int) base.length()), "base");
        assertArrayEquals(Files.readAllBytes(q.resolve("top.qcow2")), e.file().read(0, (int) e.file().length()), "top");
    }
}
