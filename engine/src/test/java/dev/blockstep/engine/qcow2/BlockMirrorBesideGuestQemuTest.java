package dev.blockstep.engine.qcow2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.block.BlockJobSpec;
import dev.blockstep.engine.block.BlockStack;
import dev.blockstep.engine.block.CommandSource;
import dev.blockstep.engine.block.MirrorJob;
import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.session.Engine;
import dev.blockstep.engine.session.Workload;
import dev.blockstep.engine.testing.MirrorOutcome;
import dev.blockstep.engine.testing.Qemu;
import dev.blockstep.engine.testing.QemuChain;
import dev.blockstep.engine.testing.QemuSystem;
import dev.blockstep.trace.qemuio.QemuIoParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Guest zero writes with unmap and discards while a blockdev-mirror's mirror_top sits above the source, on real
 * qemu 7.2 and in blockstep. On qemu the guest's HMP qemu-io commands are sent once the job is ready (the filter is
 * still in the graph; the copy of a 1 MiB disk is over in milliseconds, too fast to aim at) and the job is then
 * cancelled, which leaves source and target as they are. Seen on qemu 7.2, and asserted here for both copy modes
 * and both discard settings of the drive: the discard stops at mirror_top (a filter opened without BDRV_O_UNMAP),
 * and the zero write reaches the source without MAY_UNMAP, so its cluster stays allocated; the target gets the
 * zeroes as an unallocated zero cluster in background mode (the job's own zero op asks MAY_UNMAP) and as an
 * allocated one in write-blocking mode (mirror_top's copy passes the flags it received). blockstep runs the same
 * guest commands beside its job (which completes instead of being cancelled): the source and target must agree
 * with qemu's on everything {@link MirrorOutcome} compares, and the source's map must too.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BlockMirrorBesideGuestQemuTest {
    private static final String[] GUEST = {"discard 0 64k", "aio_write -z -u 64k 64k"};

    @TempDir
    Path dir;

    private Path source(String sub) throws Exception {
        return QemuChain.create(dir.resolve(sub), "1M", new QemuChain.Layer("src.qcow2", "write -P 0x11 0 256k"));
    }

    @ParameterizedTest
    @EnumSource(BlockJobSpec.CopyMode.class)
    void zeroWritesAndDiscardsThroughMirrorTopLeaveWhatQemuLeaves(BlockJobSpec.CopyMode mode) throws Exception {
        Path ours = source("ours");
        Engine e = new Engine(new Workload(HostFile.load(ours.resolve("src.qcow2")), "src.qcow2",
                CommandSource.of(QemuIoParser.parseScript(String.join("\n", GUEST) + "\n", "guest")), FixVariant.NONE,
                Policies::fifo, BlockStack.QEMU_IO, null, new BlockJobSpec.Mirror("tgt.qcow2", 65536, mode, 0, 0)));
        e.runToEnd();
        assertTrue(e.finished());
        MirrorJob job = (MirrorJob) e.scheduler().coroutines().stream().filter(c -> c instanceof MirrorJob)
                .findFirst().orElseThrow();
        HostFile t = job.target().file();
        Files.write(ours.resolve("tgt.qcow2"), t.read(0, (int) t.length()));
        Files.write(ours.resolve("src-after.qcow2"), e.file().read(0, (int) e.file().length()));

        for (String discard : new String[] {"ignore", "unmap"}) {
            Path q = source("qemu-" + discard);
            assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", q.resolve("tgt.qcow2").toString(), "1M")
                    .exitCode());
            try (QemuSystem qemu = QemuSystem.start(q, "if=none,id=d0,node-name=src,format=qcow2,file="
                    + q.resolve("src.qcow2") + ",discard=" + discard)) {
                qemu.execute("blockdev-add", QemuSystem.args().put("driver", "qcow2").put("node-name", "tgt")
                        .set("file", QemuSystem.args().put("driver", "file").put("filename",
                                q.resolve("tgt.qcow2").toString())));
                qemu.execute("blockdev-mirror", QemuSystem.args().put("job-id", "m0").put("device", "src")
                        .put("target", "tgt").put("sync", "full").put("copy-mode", mode.qmpName()));
                qemu.awaitEvent("BLOCK_JOB_READY");
                for (String g : GUEST) {
                    qemu.execute("human-monitor-command", QemuSystem.args().put("command-line",
                            "qemu-io d0 \"" + g + "\""));
                }
                qemu.execute("block-job-cancel", QemuSystem.args().put("device", "m0"));
                qemu.awaitEvent("BLOCK_JOB_COMPLETED");
            }
            String what = mode.qmpName() + ", discard=" + discard;
            MirrorOutcome.assertSameOutcome(q.resolve("tgt.qcow2"), ours.resolve("tgt.qcow2"), what + ": target");
            MirrorOutcome.assertSameOutcome(q.resolve("src.qcow2"), ours.resolve("src-after.qcow2"),
                    what + ": source");
        }
    }
}
