package dev.blockstep.engine.qcow2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.block.BlockStack;
import dev.blockstep.engine.block.CommandSource;
import dev.blockstep.engine.block.StreamJob;
import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.event.EngineEventSink;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.format.BackingFile;
import dev.blockstep.engine.session.Engine;
import dev.blockstep.engine.session.Workload;
import dev.blockstep.engine.testing.Qemu;
import dev.blockstep.engine.testing.QemuSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a block-stream of a whole chain leaves in the top image on real qemu 7.2 (qemu-system, QMP
 * block-stream, no guest), and blockstep's {@link StreamJob} run alone on the same chain: the copy-on-read writes
 * of the clusters unallocated in the top and allocated below, then qcow2_change_backing_file dropping the link.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BlockStreamReferenceTest {

    @TempDir
    Path dir;

    /** The clusters unallocated in the top and allocated in base, in offset order, as qemu-io writes. */
    private static final List<String> STREAM_COPIES = List.of("write -P 0x11 0 64k", "write -P 0x12 512k 64k");

    /** base: 0x11 over [0, 128k) and 0x12 over [512k, 576k); top over base: 0x22 at [64k, 68k). */
    private Path chain(String sub) throws Exception {
        Path d = Files.createDirectories(dir.resolve(sub));
        Path base = d.resolve("base.qcow2");
        Path top = d.resolve("top.qcow2");
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", base.toString(), "1M").exitCode());
        assertEquals(0, Qemu.io("-f", "qcow2", "-c", "write -P 0x11 0 128k", "-c", "write -P 0x12 512k 64k",
                base.toString()).exitCode());
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", top.toString(), "1M")
                .exitCode());
        assertEquals(0, Qemu.io("-f", "qcow2", "-c", "write -P 0x22 64k 4k", top.toString()).exitCode());
        return top;
    }

    /** The top image after qemu-system-x86_64 -machine none ran QMP block-stream on it to completion. */
    private byte[] streamedByQemu() throws Exception {
        Path top = chain("qemu");
        try (QemuSystem q = QemuSystem.start(top.getParent(),
                "if=none,id=d0,node-name=top,format=qcow2,file=" + top)) {
            q.execute("block-stream", QemuSystem.args().put("job-id", "s0").put("device", "top"));
            assertEquals("stream", q.awaitEvent("BLOCK_JOB_COMPLETED").path("type").asText());
        }
        return Files.readAllBytes(top);
    }

    @Test
    void qemuStreamEqualsTheCopiesOfClustersUnallocatedInTheTopThenTheLinkDropped() throws Exception {
        // a fact about qemu alone: both sides are real qemu 7.2
        byte[] streamed = streamedByQemu();
        Path sim = chain("sim");
        List<String> args = new java.util.ArrayList<>(List.of("-f", "qcow2"));
        STREAM_COPIES.forEach(c -> args.addAll(List.of("-c", c)));
        args.add(sim.toString());
        assertEquals(0, Qemu.io(args.toArray(String[]::new)).exitCode());
        assertEquals(0, Qemu.img("rebase", "-u", "-b", "", sim.toString()).exitCode());
        assertArrayEquals(streamed, Files.readAllBytes(sim));
    }

    @Test
    void droppingTheBackingFileRewritesTheHeaderAsQemuImgRebaseDoes() throws Exception {
        Path top = chain("drop");
        HostFile ours = HostFile.load(top);
        Qcow2Driver d = Qcow2Driver.open(ours, top.toString(), EngineEventSink.NONE, BackingChain.of(top));
        d.changeBackingFile(0, null, null);
        assertNull(d.backingFile());
        assertEquals(0, Qemu.img("rebase", "-u", "-b", "", top.toString()).exitCode());
        assertArrayEquals(Files.readAllBytes(top), ours.read(0, (int) ours.length()));
    }

    @Test
    void blockstepsStreamJobLeavesTheTopQemusStreamLeaves() throws Exception {
        byte[] streamed = streamedByQemu();
        Path top = chain("ours");
        BackingImage backing = BackingChain.of(top).open(new BackingFile("base.qcow2", "qcow2"));
        Engine e = new Engine(new Workload(HostFile.load(top), "top.qcow2", CommandSource.of(List.of()),
                FixVariant.NONE, Policies::fifo, BlockStack.QEMU_IO, backing));
        e.scheduler().spawn(new StreamJob(e.scheduler().nextId(), "stream", e.node()));
        assertEquals(List.of(dev.blockstep.engine.block.FilterNode.Kind.COPY_ON_READ), e.node().filters().stream()
                .map(dev.blockstep.engine.block.FilterNode::kind).toList());
        e.runToEnd();
        assertTrue(e.finished());
        assertEquals(List.of(), e.node().filters());
        assertNull(e.node().driver().backingFile());
        assertArrayEquals(streamed, e.file().read(0, (int) e.file().length()));
    }
}
