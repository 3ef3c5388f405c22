package dev.blockstep.engine.block;

import dev.blockstep.engine.coroutine.CoQueue;
import dev.blockstep.engine.coroutine.StepContext;
import dev.blockstep.engine.snapshot.Resource;
import dev.blockstep.engine.snapshot.WriteGeneration;

/**
 * One BlockDriverState's flush serialisation as bdrv_co_flush sees it: active_flush_req and flush_queue, so a
 * flush of the node waits for any other flush of it, whoever asked; and flushed_gen, the write_gen its last
 * successful flush saw. The qcow2 node has one and so does its file child (bs->file->bs); each step that looks at
 * one declares it as {@code resource}, so the explorer sees the two as independent.
 */
final class FlushState {
    private final Resource resource;
    private final CoQueue flushQueue = new CoQueue();
    private boolean activeFlush;
    @WriteGeneration
    private long flushedGen;

    FlushState(Resource resource) {
        this.resource = resource;
    }

    boolean activeFlush(StepContext cx) {
        cx.writes(resource);
        return activeFlush;
    }

    void setActiveFlush(StepContext cx, boolean on) {
        cx.writes(resource);
        activeFlush = on;
    }

    CoQueue flushQueue(StepContext cx) {
        cx.writes(resource);
        return flushQueue;
    }

    long flushedGen(StepContext cx) {
        cx.writes(resource);
        return flushedGen;
    }

    void setFlushedGen(StepContext cx, long gen) {
        cx.writes(resource);
        flushedGen = gen;
    }

    /** Nobody flushes the node or waits to (for {@link BlockNode#idle()}, outside any step). */
    boolean idle() {
        return !activeFlush && flushQueue.isEmpty();
    }
}
