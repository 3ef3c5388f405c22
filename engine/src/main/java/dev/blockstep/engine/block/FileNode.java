package dev.blockstep.engine.block;

import dev.blockstep.engine.coroutine.CoQueue;
import dev.blockstep.engine.coroutine.StepContext;
import dev.blockstep.engine.snapshot.Resource;

/**
 * The qcow2 node's file child (bs->file->bs) as bdrv_co_flush sees it: its own active_flush_req and flush_queue,
 * so a flush of the file waits for any other flush of the file, whichever node or cache asked for it; and its
 * flushed_gen, the write_gen its last successful flush saw. The write_gen itself is counted by the driver.
 */
final class FileNode {
    private final CoQueue flushQueue = new CoQueue();
    private boolean activeFlush;
    private long flushedGen;

    boolean activeFlush(StepContext cx) {
        cx.writes(Resource.Shared.FILE_FLUSH_QUEUE);
        return activeFlush;
    }

    void setActiveFlush(StepContext cx, boolean on) {
        cx.writes(Resource.Shared.FILE_FLUSH_QUEUE);
        activeFlush = on;
    }

    CoQueue flushQueue(StepContext cx) {
        cx.writes(Resource.Shared.FILE_FLUSH_QUEUE);
        return flushQueue;
    }

    long flushedGen(StepContext cx) {
        cx.writes(Resource.Shared.FILE_FLUSH_QUEUE);
        return flushedGen;
    }

    void setFlushedGen(StepContext cx, long gen) {
        cx.writes(Resource.Shared.FILE_FLUSH_QUEUE);
        flushedGen = gen;
    }
}
