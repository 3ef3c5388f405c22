package dev.blockstep.engine.qcow2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.blockstep.engine.block.BlockJobSpec;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.format.BackingFile;
import dev.blockstep.engine.testing.MirrorJobRun;
import dev.blockstep.engine.testing.MirrorOutcome;
import dev.blockstep.engine.testing.QemuChain;
import dev.blockstep.engine.testing.QemuMirrorJobs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * blockdev-mirror sync=full into a target that already holds data, alone or over a backing file of its own, on
 * real qemu 7.2 (blockdev-add opens the target with its defaults, its backing file from its header) and in
 * blockstep: the targets must be byte-identical with buf-size one chunk (one copy in flight, so qemu's target is the
 * same every run) and agree on content, map status and check with qemu's default buffer; neither job may change the
 * source or the target's backing file.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BlockMirrorExistingTargetReferenceTest {

    @TempDir
    Path dir;

    /**
     * The source of BlockMirrorReferenceTest (ZERO_ALLOC cluster 0, 0x11 in cluster 1, a zero cluster 3, 0x22 at
     * 320k, 0x33 in cluster 8), and a target holding 0x55 over [0, 256k), 0x66 over [512k, 640k) and 0x77 at
     * [900k, 904k): the job copies over some of its clusters in place and zeroes others, with MAY_UNMAP.
     * {@code backed}: the target is an overlay of tbase.qcow2, which holds 0x44 over [0, 1M) and shows through
     * wherever the target has nothing, so the job's zero ops must hide it.
     */
    private Path images(String sub, boolean backed) throws Exception {
        Path d = Files.createDirectories(dir.resolve(sub));
        QemuChain.create(d, "1M", new QemuChain.Layer("src.qcow2", "write -P 0x11 0 128k", "write -z 192k 64k",
                "write -P 0x22 320k 4k", "write -P 0x33 512k 64k", "write -z 0 64k"));
        QemuChain.Layer target = new QemuChain.Layer("tgt.qcow2", "write -P 0x55 0 256k", "write -P 0x66 512k 128k",
                "write -P 0x77 900k 4k");
        if (backed) {
            QemuChain.create(d, "1M", new QemuChain.Layer("tbase.qcow2", "write -P 0x44 0 1M"), target);
        } else {
            QemuChain.create(d, "1M", target);
        }
        return d;
    }

    static Stream<Arguments> runs() {
        return Stream.of(BlockJobSpec.CopyMode.values()).flatMap(m -> Stream.of(false, true).flatMap(backed ->
                Stream.of(0L, 65536L).map(buf -> Arguments.of(m, backed, buf))));
    }

    @ParameterizedTest
    @MethodSource("runs")
    void blockstepsMirrorLeavesTheExistingTargetQemusMirrorLeaves(BlockJobSpec.CopyMode mode, boolean backed,
            long bufSize) throws Exception {
        Path q = images("qemu", backed);
        byte[] srcBefore = Files.readAllBytes(q.resolve("src.qcow2"));
        byte[] tbaseBefore = backed ? Files.readAllBytes(q.resolve("tbase.qcow2")) : null;
        QemuMirrorJobs.mirror(q, "if=none,id=d0,node-name=src,format=qcow2,file=" + q.resolve("src.qcow2"), "src",
                q.resolve("tgt.qcow2"), "tgt", mode.qmpName(), bufSize, qemu -> { });

        Path ours = images("ours", backed);
        Path tgt = ours.resolve("tgt.qcow2");
        BackingImage tbase = backed ? BackingChain.of(tgt).open(new BackingFile("tbase.qcow2", "qcow2")) : null;
        BlockJobSpec.Mirror spec = new BlockJobSpec.Mirror("tgt.qcow2",
                new BlockJobSpec.ExistingTarget(HostFile.load(tgt), tbase), mode, 0, bufSize);
        MirrorJobRun run = MirrorJobRun.alone(ours.resolve("src.qcow2"), "src.qcow2", null, spec);
        run.writeTarget(ours.resolve("tgt-after.qcow2"));
        run.writeSource(ours.resolve("src-after.qcow2"));

        MirrorOutcome.assertSameOutcome(q.resolve("tgt.qcow2"), ours.resolve("tgt-after.qcow2"), "target");
        if (bufSize != 0) {
            assertArrayEquals(Files.readAllBytes(q.resolve("tgt.qcow2")),
                    Files.readAllBytes(ours.resolve("tgt-after.qcow2")), "target bytes");
        }
        assertArrayEquals(srcBefore, Files.readAllBytes(q.resolve("src.qcow2")), "qemu changed the source");
        assertArrayEquals(srcBefore, Files.readAllBytes(ours.resolve("src-after.qcow2")),
                "blockstep changed the source");
        if (backed) {
            assertArrayEquals(tbaseBefore, Files.readAllBytes(q.resolve("tbase.qcow2")), "qemu changed tbase");
            assertArrayEquals(tbaseBefore, Files.readAllBytes(ours.resolve("tbase.qcow2")), "blockstep changed tbase");
        }
        assertEquals(0, MirrorOutcome.check(q.resolve("tgt.qcow2")).indexOf("exit 0"), "qemu's target checks clean");
    }
}
