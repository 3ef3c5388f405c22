package dev.blockstep.engine.trace;

import dev.blockstep.engine.block.BlockJobSpec;
import dev.blockstep.engine.qcow2.format.ImageFormatException;
import dev.blockstep.trace.BackingLayer;
import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.JobCommand;
import java.nio.file.Path;
import java.util.List;

/**
 * The engine's job for a trace's QMP job command. The trace reader has already checked the command against qemu's
 * rules and the trace's chain; this refuses, in one line naming the argument, what qemu accepts but blockstep does
 * not model, so a run never starts a job other than the one the trace names.
 */
public final class TraceJob {

    private TraceJob() {
    }

    /**
     * The engine's job, or null when the trace names none.
     *
     * @param traceDir the trace's directory, against which a base image of a mirror's target is resolved, or null
     *                 when the trace is not a file
     */
    public static BlockJobSpec spec(JobCommand job, ImageSetup image, Path traceDir, String name)
            throws TraceReplayException {
        if (job == null) {
            return null;
        }
        List<String> chain = BackingLayer.below(image).stream().map(BackingLayer::name).toList();
        if (job instanceof JobCommand.BlockStream s) {
            if (s.base() != null) {
                throw refused(name, "base", "blockstep streams the whole chain into the image (no base), got base "
                        + s.base());
            }
            if (s.backingFile() != null) {
                throw refused(name, "backing-file", "expected none when the whole chain is streamed (the image keeps "
                        + "no backing file), got " + s.backingFile());
            }
            return new BlockJobSpec.Stream();
        }
        if (job instanceof JobCommand.BlockdevMirror m) {
            return mirror(m, image, traceDir, name);
        }
        JobCommand.BlockCommit c = (JobCommand.BlockCommit) job;
        if (chain.isEmpty()) {
            throw refused(name, "device", "block-commit needs an image with a backing file");
        }
        // without base qemu commits into the deepest image of the chain
        String base = c.base() != null ? c.base() : chain.get(chain.size() - 1);
        if (c.top() == null) {
            if (!base.equals(chain.get(0))) {
                throw refused(name, "base", "blockstep's active commit writes the image right below the active layer ("
                        + chain.get(0) + "), got " + (c.base() != null ? "base " + base : "no base (qemu's default: the"
                        + " deepest image, " + base + ")"));
            }
            return new BlockJobSpec.ActiveCommit();
        }
        if (!chain.get(0).equals(c.top())) {
            throw refused(name, "top", "blockstep commits the image's own backing file (" + chain.get(0)
                    + ") into the one below it, or the image itself (no top), got top " + c.top());
        }
        if (!base.equals(chain.get(1))) {
            throw refused(name, "base", "blockstep commits into the image right below top (" + chain.get(1)
                    + "), got " + (c.base() != null ? "base " + base : "no base (qemu's default: the deepest image, "
                    + base + ")"));
        }
        // without backing-file qemu writes the base's file name as it opened it; a trace's chain opens it by the
        // name the top's header stores
        return new BlockJobSpec.Commit(c.backingFile() != null ? c.backingFile() : chain.get(1));
    }

    /**
     * blockdev-mirror into the image blockdev-add opened with its defaults: a fresh one, which the engine creates as
     * qemu-img create does, or one the trace sets up (data, a backing chain), which the engine builds as it builds
     * the trace's own image. qemu refuses a target of another size than the source.
     */
    private static BlockJobSpec mirror(JobCommand.BlockdevMirror m, ImageSetup image, Path traceDir, String name)
            throws TraceReplayException {
        if (m.sync() != JobCommand.Sync.FULL) {
            throw refused(name, "sync", "blockstep mirrors with sync=full, got " + JobCommand.qmpName(m.sync()));
        }
        ImageSetup t = m.targetImage();
        if (traceDir == null && TraceImages.fileBased(t)) {
            throw new TraceReplayException(name + ": $.job.targetImage: a base image needs the trace to be a file");
        }
        BlockJobSpec.CopyMode mode = m.copyMode() == JobCommand.CopyMode.WRITE_BLOCKING
                ? BlockJobSpec.CopyMode.WRITE_BLOCKING : BlockJobSpec.CopyMode.BACKGROUND;
        long granularity = m.granularity() == null ? 0 : m.granularity();
        try {
            if (t instanceof ImageSetup.Fresh f && f.setup().isEmpty() && f.backing() == null) {
                // a base image's size is in its header, which the replay reads when it opens it: MirrorJob creates
                // the target with the size it finds there, as blockdev-mirror refuses any other
                if (image instanceof ImageSetup.Fresh s && s.virtualSize() != f.virtualSize()) {
                    throw new TraceReplayException(name + ": $.job.targetImage.virtualSize: expected the source's "
                            + "size (" + s.virtualSize() + " bytes), got " + f.virtualSize());
                }
                return new BlockJobSpec.Mirror(m.target(), f.clusterSize(), mode, granularity, 0);
            }
            TraceImages.Start start = TraceImages.start(t, traceDir, name, "$.job.targetImage", true);
            BlockJobSpec.ExistingTarget existing = new BlockJobSpec.ExistingTarget(start.image(), start.backing());
            long size = existing.size(m.target());
            if (image instanceof ImageSetup.Fresh s && s.virtualSize() != size) {
                throw new TraceReplayException(name + ": $.job.targetImage: expected the source's size ("
                        + s.virtualSize() + " bytes), got " + size);
            }
            return new BlockJobSpec.Mirror(m.target(), existing, mode, granularity, 0);
        } catch (IllegalArgumentException e) {
            throw new TraceReplayException(name + ": $.job: " + e.getMessage());
        } catch (ImageFormatException e) {
            throw new TraceReplayException(name + ": $.job.targetImage: " + e.getMessage());
        }
    }

    private static TraceReplayException refused(String name, String argument, String problem) {
        return new TraceReplayException(name + ": $.job.arguments." + argument + ": " + problem);
    }
}
