package dev.blockstep.engine.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.block.BlockJobSpec;
import dev.blockstep.engine.block.BlockStack;
import dev.blockstep.engine.block.CommandSource;
import dev.blockstep.engine.block.FilterNode;
import dev.blockstep.engine.block.MirrorJob;
import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.BackingImage;
import dev.blockstep.engine.session.Engine;
import dev.blockstep.engine.session.Workload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A job of block/mirror.c (blockdev-mirror or active commit) run by blockstep alone on an image, FIFO, to its end:
 * mirror_top sits above the node while it runs and leaves with it. The reference tests compare what it leaves with
 * what real qemu's job leaves.
 *
 * @param engine the finished run
 * @param job    its mirror job, whose target holds what the job wrote
 */
public record MirrorJobRun(Engine engine, MirrorJob job) {

    /** Runs {@code spec} on {@code image} (named {@code name}, over {@code backing} or none) with no guest commands. */
    public static MirrorJobRun alone(Path image, String name, BackingImage backing, BlockJobSpec spec)
            throws Exception {
        Engine e = new Engine(new Workload(HostFile.load(image), name, CommandSource.of(List.of()), FixVariant.NONE,
                Policies::fifo, BlockStack.QEMU_IO, backing, spec));
        assertEquals(List.of(FilterNode.Kind.MIRROR_TOP), e.node().filters().stream().map(FilterNode::kind).toList());
        e.runToEnd();
        assertTrue(e.finished());
        assertEquals(List.of(), e.node().filters());
        MirrorJob job = (MirrorJob) e.scheduler().coroutines().stream().filter(c -> c instanceof MirrorJob)
                .findFirst().orElseThrow();
        return new MirrorJobRun(e, job);
    }

    /** Writes the job's target (a mirror's target, an active commit's base) to {@code to}. */
    public void writeTarget(Path to) throws Exception {
        HostFile t = job.target().file();
        Files.write(to, t.read(0, (int) t.length()));
    }

    /** Writes the guest node's own image (the mirror's source, the active layer) to {@code to}. */
    public void writeSource(Path to) throws Exception {
        Files.write(to, engine.file().read(0, (int) engine.file().length()));
    }
}
