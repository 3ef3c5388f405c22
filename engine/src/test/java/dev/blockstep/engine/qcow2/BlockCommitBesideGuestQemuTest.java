package dev.blockstep.engine.qcow2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.block.BlockJobSpec;
import dev.blockstep.engine.block.BlockStack;
import dev.blockstep.engine.block.CommandSource;
import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.format.BackingFile;
import dev.blockstep.engine.session.Engine;
import dev.blockstep.engine.session.Workload;
import dev.blockstep.engine.testing.Qemu;
import dev.blockstep.engine.testing.QemuChain;
import dev.blockstep.engine.testing.QemuSystem;
import dev.blockstep.trace.qemuio.QemuIoParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An intermediate block-commit beside guest zero writes and a discard on the top, on real qemu 7.2 (qemu-system,
 * QMP block-commit, HMP qemu-io on the same drive while the job runs) and in blockstep: both leave clean images
 * with the same guest view. The real runs are few and short, so they show only that these orders are clean; the
 * exhaustive search in JobBesideGuestExploreTest covers every order blockstep models. The drive has
 * discard=unmap, as qemu-io's own BlockBackend does: with -drive's default discard=ignore the discard would do
 * nothing and leave the top's data.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BlockCommitBesideGuestQemuTest {
    private static final int SIZE = 256 * 1024;
    private static final String[] GUEST = {"aio_write -z -u 0 64k", "discard 64k 64k"};

    @TempDir
    Path dir;

    /** base: 0x11 over [0, 128k); mid: 0x33 at [64k, 68k); top: 0x21 over [0, 128k). */
    private Path chain(String sub) throws Exception {
        return QemuChain.create(dir.resolve(sub), "256k", new QemuChain.Layer("base.qcow2", "write -P 0x11 0 128k"),
                new QemuChain.Layer("mid.qcow2", "write -P 0x33 64k 4k"),
                new QemuChain.Layer("top.qcow2", "write -P 0x21 0 128k"));
    }

    /** The guest view of the chain under {@code top}, as qemu-img convert reads it. */
    private static byte[] guestView(Path top) throws Exception {
        Path raw = top.resolveSibling("view.raw");
        assertEquals(0, Qemu.img("convert", "-f", "qcow2", "-O", "raw", top.toString(), raw.toString()).exitCode());
        return Files.readAllBytes(raw);
    }

    @Test
    void realRunsAndBlockstepLeaveCleanImagesWithOneGuestView() throws Exception {
        Path ours = chain("ours");
        Path top = ours.resolve("top.qcow2");
        BackingImage mid = BackingChain.of(top).open(new BackingFile("mid.qcow2", "qcow2"));
        Engine e = new Engine(new Workload(HostFile.load(top), "top.qcow2",
                CommandSource.of(QemuIoParser.parseScript(String.join("\n", GUEST) + "\n", "guest")), FixVariant.NONE,
                Policies::fifo, BlockStack.QEMU_IO, mid, new BlockJobSpec.Commit("base.qcow2")));
        e.runToEnd();
        assertTrue(e.finished());
        byte[] want = new byte[SIZE];
        e.node().driver().read(0, 0, want, 0, SIZE);

        for (int run = 0; run < 3; run++) {
            Path q = chain("qemu" + run);
            try (QemuSystem qemu = QemuSystem.start(q, "if=none,id=d0,node-name=top,format=qcow2,file="
                    + q.resolve("top.qcow2") + ",discard=unmap,backing.node-name=mid,backing.backing.node-name=base")) {
                qemu.execute("block-commit", QemuSystem.args().put("job-id", "c0").put("device", "top")
                        .put("top-node", "mid").put("base-node", "base").put("backing-file", "base.qcow2"));
                for (String g : GUEST) {
                    qemu.execute("human-monitor-command", QemuSystem.args().put("command-line",
                            "qemu-io d0 \"" + g + "\""));
                }
                assertEquals("commit", qemu.awaitEvent("BLOCK_JOB_COMPLETED").path("type").asText());
            }
            for (String image : new String[] {"top.qcow2", "base.qcow2"}) {
                assertEquals(0, Qemu.img("check", "-q", q.resolve(image).toString()).exitCode(), "run " + run + " "
                        + image);
            }
            assertArrayEquals(want, guestView(q.resolve("top.qcow2")), "run " + run);
        }
    }
}
