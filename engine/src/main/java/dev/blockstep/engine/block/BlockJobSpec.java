package dev.blockstep.engine.block;

import dev.blockstep.engine.event.EngineEventSink;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.BackingImage;
import dev.blockstep.engine.qcow2.Qcow2Create;
import dev.blockstep.engine.qcow2.Qcow2Driver;
import dev.blockstep.engine.qcow2.format.ImageFormatException;
import dev.blockstep.trace.NodeOptions.DetectZeroes;

/**
 * A block job a run starts beside its guest commands, as the QMP command that started it names it. Every engine
 * of the run (restarts and explored schedules included) starts its own, right after qemu-io's main loop.
 */
public sealed interface BlockJobSpec {

    /** The job's coroutine on {@code node}, the guest's node. */
    BlockJob start(int id, BlockNode node) throws ImageFormatException;

    /** QMP {@code block-stream} of the whole chain into the node (no base), speed 0. */
    record Stream() implements BlockJobSpec {
        @Override
        public BlockJob start(int id, BlockNode node) {
            return new StreamJob(id, "stream", node);
        }
    }

    /**
     * QMP {@code block-commit} of the node's backing image into the image below it, speed 0.
     *
     * @param backingFile QMP's {@code backing-file}: what the node's header names when the job ends
     */
    record Commit(String backingFile) implements BlockJobSpec {
        @Override
        public BlockJob start(int id, BlockNode node) throws ImageFormatException {
            return CommitJob.start(id, "commit", node, backingFile);
        }
    }

    /**
     * QMP {@code blockdev-mirror} with {@code sync: full} of the node into a qcow2 image {@code blockdev-add}ed with
     * its defaults (discard=ignore), speed 0: a fresh one ({@code qemu-img create -f qcow2 TARGET SIZE}) or one that
     * exists with data and perhaps a backing file. The job is completed (QMP {@code job-complete}) as soon as it is
     * ready, which pivots the guest onto the target.
     *
     * @param target            the target image's file name
     * @param targetClusterSize a fresh target's cluster size ({@code -o cluster_size}; qemu-img's default is
     *                          64 KiB); an existing target's own
     * @param copyMode          QMP {@code copy-mode}
     * @param granularity       QMP {@code granularity}, or 0 for qemu's default (the target's cluster size,
     *                          clamped to [4 KiB, 64 KiB])
     * @param bufSize           QMP {@code buf-size}, or 0 for qemu's default (16 MiB)
     * @param existing          the target as it exists before the job, or null for a fresh one
     */
    record Mirror(String target, long targetClusterSize, CopyMode copyMode, long granularity, long bufSize,
                  ExistingTarget existing) implements BlockJobSpec {
        public Mirror {
            if (target == null || target.isEmpty()) {
                throw new IllegalArgumentException("blockdev-mirror: expected a target file name");
            }
            if (Long.bitCount(targetClusterSize) != 1 || targetClusterSize < 512 || targetClusterSize > (2 << 20)) {
                throw new IllegalArgumentException("blockdev-mirror: target cluster size " + targetClusterSize
                        + ": expected a power of two from 512 to 2M");
            }
            if (granularity != 0 && (Long.bitCount(granularity) != 1 || granularity < 512
                    || granularity > (64 << 20))) {
                throw new IllegalArgumentException("blockdev-mirror: granularity " + granularity
                        + ": expected 0 or a power of two from 512 to 64M");
            }
            if (bufSize < 0) {
                throw new IllegalArgumentException("blockdev-mirror: buf-size " + bufSize + ": expected 0 or more");
            }
        }

        /** Into a fresh target. */
        public Mirror(String target, long targetClusterSize, CopyMode copyMode, long granularity, long bufSize) {
            this(target, targetClusterSize, copyMode, granularity, bufSize, null);
        }

        /** Into {@code existing}, whose cluster size its header gives. */
        public Mirror(String target, ExistingTarget existing, CopyMode copyMode, long granularity, long bufSize)
                throws ImageFormatException {
            this(target, existing.clusterSize(target), copyMode, granularity, bufSize, existing);
        }

        /** Background copy, qemu's default granularity and buffer, a 64 KiB-cluster target. */
        public static Mirror background(String target) {
            return new Mirror(target, 65536, CopyMode.BACKGROUND, 0, 0);
        }

        @Override
        public BlockJob start(int id, BlockNode node) throws ImageFormatException {
            return MirrorJob.mirror(id, "mirror", node, this);
        }

        /**
         * The target on a node of its own, as blockdev-add opens it: discard=ignore, so the node has no
         * BDRV_O_UNMAP and the clusters the job's zero ops free are not punched in its file. qemu refuses a target
         * whose size is not the source's {@code size}.
         */
        BlockNode openTarget(String job, long size) throws ImageFormatException {
            BlockNode node = new BlockNode(FixVariant.NONE, false, DetectZeroes.OFF);
            if (existing != null) {
                node.attach(existing.open(target, node.eventSink(), node.unmap()));
                if (node.driver().size() != size) {
                    throw new ImageFormatException(job + ": blockdev-mirror target " + target + ": expected the "
                            + "source's size (" + size + " bytes), got " + node.driver().size());
                }
                return node;
            }
            try {
                node.attach(Qcow2Driver.open(Qcow2Create.create(size, (int) targetClusterSize), target,
                        node.eventSink(), null, node.unmap()));
            } catch (Qcow2Create.CreateException e) {
                throw new ImageFormatException(job + ": blockdev-mirror target " + target + ": " + e.getMessage());
            }
            return node;
        }
    }

    /**
     * QMP {@code block-commit} whose top is the node itself (the active layer): qemu's commit_active_start, a mirror
     * in commit mode from the node into its backing image, copy-mode background, speed 0. It is completed as soon
     * as it is ready, which pivots the guest onto the backing image.
     */
    record ActiveCommit() implements BlockJobSpec {
        @Override
        public BlockJob start(int id, BlockNode node) throws ImageFormatException {
            return MirrorJob.activeCommit(id, "commit", node);
        }
    }

    /**
     * A blockdev-mirror target that exists before the job: its file as it stands (each run writes a copy of it)
     * and the chain below it, opened read-only, or null.
     */
    record ExistingTarget(HostFile image, BackingImage backing) {
        /** The target opened on a copy of its file, on a node with BDRV_O_UNMAP or without ({@code unmap}). */
        Qcow2Driver open(String name, EngineEventSink sink, boolean unmap) throws ImageFormatException {
            return Qcow2Driver.open(image.copy(), name, sink, backing == null ? null : link -> backing, unmap);
        }

        long clusterSize(String name) throws ImageFormatException {
            return open(name, EngineEventSink.NONE, false).clusterSize();
        }

        /** The target's virtual size, as its header gives it. */
        public long size(String name) throws ImageFormatException {
            return open(name, EngineEventSink.NONE, false).size();
        }
    }

    /** QMP's {@code MirrorCopyMode}. */
    enum CopyMode {
        /** {@code background}: guest writes only dirty the bitmap; the job copies them later. */
        BACKGROUND("background"),
        /** {@code write-blocking}: a guest write through mirror_top is also written to the target before it returns. */
        WRITE_BLOCKING("write-blocking");

        private final String qmp;

        CopyMode(String qmp) {
            this.qmp = qmp;
        }

        /** The name QMP uses. */
        public String qmpName() {
            return qmp;
        }
    }
}
