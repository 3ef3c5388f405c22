package dev.blockstep.engine.block;

import dev.blockstep.engine.qcow2.format.ImageFormatException;

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
     * QMP {@code blockdev-mirror} with {@code sync: full} of the node into a fresh qcow2 image (as {@code qemu-img
     * create -f qcow2 TARGET SIZE} makes it, then {@code blockdev-add}ed with its defaults), speed 0. The job is
     * completed (QMP {@code job-complete}) as soon as it is ready, which pivots the guest onto the target.
     *
     * @param target            the target image's file name
     * @param targetClusterSize the target's cluster size ({@code -o cluster_size}; qemu-img's default is 64 KiB)
     * @param copyMode          QMP {@code copy-mode}
     * @param granularity       QMP {@code granularity}, or 0 for qemu's default (the target's cluster size,
     *                          clamped to [4 KiB, 64 KiB])
     * @param bufSize           QMP {@code buf-size}, or 0 for qemu's default (16 MiB)
     */
    record Mirror(String target, long targetClusterSize, CopyMode copyMode, long granularity, long bufSize)
            implements BlockJobSpec {
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

        /** Background copy, qemu's default granularity and buffer, a 64 KiB-cluster target. */
        public static Mirror background(String target) {
            return new Mirror(target, 65536, CopyMode.BACKGROUND, 0, 0);
        }

        @Override
        public BlockJob start(int id, BlockNode node) throws ImageFormatException {
            return MirrorJob.mirror(id, "mirror", node, this);
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
