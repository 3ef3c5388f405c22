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
}
