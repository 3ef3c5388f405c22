package dev.blockstep.engine.block;

import dev.blockstep.engine.coroutine.Outcome;
import dev.blockstep.engine.coroutine.StepContext;
import dev.blockstep.engine.qcow2.Qcow2Driver;
import java.util.List;

/**
 * What the block jobs' coroutines share: the job spans the whole disk, [0, {@link #bytes}), and stream_run and
 * commit_run share their loop head.
 */
public abstract class BlockJob extends RequestCoroutine {
    static final String RATELIMIT_SLEEP = "block_job_ratelimit_sleep";

    protected BlockJob(int id, String name, BlockNode node, String request) {
        super(id, name, node, request, 0, node.driver().size(), RequestFlags.NONE);
    }

    /**
     * An image the job writes that is not the guest node's own: a commit's base, a mirror's target.
     *
     * @param name   its file name, as the chain or the job's command names it
     * @param driver the image as the job leaves it
     */
    public record WrittenImage(String name, Qcow2Driver driver) {
    }

    /** The images this job writes besides the guest node's own file; a stream writes none. */
    public List<WrittenImage> writtenImages() {
        return List.of();
    }

    /**
     * The loop head of stream_run and commit_run: block_job_ratelimit_sleep before the chunk at {@code pos}, which
     * yields even with speed 0, then {@code nextChunk} sets the phase that handles the chunk. Once the job has walked
     * the whole disk it does not yield: {@code walkedAll} sets the phase that completes the job, which follows at
     * once.
     */
    protected final Outcome ratelimitSleep(StepContext cx, long pos, Runnable nextChunk, Runnable walkedAll) {
        cx.name(RATELIMIT_SLEEP);
        if (pos >= bytes) {
            cx.narrate(name() + " has walked the whole disk.");
            walkedAll.run();
            return Outcome.CONTINUE;
        }
        cx.narrate(name() + " yields before the chunk at guest " + hex(pos) + ".");
        nextChunk.run();
        return Outcome.YIELD;
    }
}
