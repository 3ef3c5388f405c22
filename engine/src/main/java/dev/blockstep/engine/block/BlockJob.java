package dev.blockstep.engine.block;

import dev.blockstep.engine.coroutine.Outcome;
import dev.blockstep.engine.coroutine.StepContext;

/**
 * What the block jobs' coroutines share: the loop head of stream_run and commit_run, and the wait for a request
 * the job issues. The job spans the whole disk, [0, {@link #bytes}).
 */
public abstract class BlockJob extends RequestCoroutine {
    static final String RATELIMIT_SLEEP = "block_job_ratelimit_sleep";

    protected BlockJob(int id, String name, BlockNode node, String request) {
        super(id, name, node, request, 0, node.driver().size(), RequestFlags.NONE);
    }

    /**
     * block_job_ratelimit_sleep before the chunk at {@code pos}: it yields even with speed 0. Returns whether
     * the loop is over instead (then the step does not yield).
     */
    protected final boolean walkedAll(StepContext cx, long pos) {
        cx.name(RATELIMIT_SLEEP);
        if (pos >= bytes) {
            cx.narrate(name() + " has walked the whole disk.");
            return true;
        }
        cx.narrate(name() + " yields before the chunk at guest " + hex(pos) + ".");
        return false;
    }
}
