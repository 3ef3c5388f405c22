package dev.blockstep.engine.block;

import dev.blockstep.engine.coroutine.Outcome;
import dev.blockstep.engine.coroutine.StepContext;
import dev.blockstep.engine.qcow2.BackingImage;
import dev.blockstep.engine.qcow2.format.ClusterType;

/**
 * block-stream of the whole chain into the top image (no base), as qemu 7.2's stream_run: in chunks of at most
 * 512 KiB it sleeps (block_job_ratelimit_sleep yields even without a speed limit), asks block status whether the
 * chunk is allocated in the top image and, where it is not, whether any image below allocates it; such a run is
 * copied by a copy-on-read prefetch ({@link CopyOnReadRequest}, stream_populate), which the job waits for. While it
 * runs its copy-on-read {@link FilterNode} sits above the node, which drops the guest's discards. When the last
 * chunk is done, stream_prepare drops the filter from the graph and the backing link from the top image's header.
 *
 * <p>The prefetch runs as a coroutine of its own here, while qemu runs it in the job's coroutine; the job only
 * waits for it, so the steps and their order are the same. Block status of the top takes s->lock and that of the
 * images below is answered in the same step: nothing writes the images below while a stream runs.
 */
public final class StreamJob extends BlockJob {
    /** STREAM_CHUNK in block/stream.c. */
    static final long STREAM_CHUNK = 512 * 1024;

    private enum P { SLEEP, LOCK, ITERATE, POPULATE, PREPARE, DONE }

    private P p = P.SLEEP;
    private long pos;
    private long n;
    private final FilterNode filter;

    public StreamJob(int id, String name, BlockNode node) {
        super(id, name, node, "block-stream");
        // stream_start: bdrv_insert_node of a copy-on-read driver, opened with BDRV_O_RDWR alone
        this.filter = new FilterNode(name + "-cor", FilterNode.Kind.COPY_ON_READ, FilterNode.Position.ABOVE_NODE);
        node.insertFilter(filter);
    }

    @Override
    public String phase() {
        return switch (p) {
            case SLEEP -> RATELIMIT_SLEEP;
            case LOCK -> "qemu_co_mutex_lock";
            case ITERATE -> "stream_one_iteration";
            case POPULATE -> "stream_populate";
            case PREPARE -> "stream_prepare";
            case DONE -> "done";
        };
    }

    @Override
    protected Outcome runPhase(StepContext cx) {
        String name = name();
        switch (p) {
            case SLEEP -> {
                return ratelimitSleep(cx, pos, () -> p = P.LOCK, () -> p = P.PREPARE);
            }
            case LOCK -> {
                cx.name("qemu_co_mutex_lock").guest(pos, Math.min(STREAM_CHUNK, bytes - pos));
                p = P.ITERATE;
                return lockOrQueue(cx, name + " queues for s->lock to ask block status.",
                        name + " takes s->lock to ask block status at guest " + hex(pos) + ".");
            }
            case ITERATE -> {
                lockReturned(cx);
                boolean copy = iterate();
                unlock(cx);
                cx.name("stream_one_iteration").guest(pos, n);
                if (!copy) {
                    cx.narrate(name + " skips guest " + hex(pos) + "+" + hex(n) + ": it is allocated in the top image "
                            + "or in no image below.");
                    pos += n;
                    p = P.SLEEP;
                    return Outcome.CONTINUE;
                }
                CopyOnReadRequest r = new CopyOnReadRequest(cx.scheduler().nextId(), name + ".cor", node, pos, n);
                cx.narrate(name + " copies guest " + hex(pos) + "+" + hex(n) + " up from the backing chain with "
                        + r.name() + " and waits for it.");
                p = P.POPULATE;
                return issueAndWait(cx, r, "stream_populate");
            }
            case POPULATE -> {
                cx.name("stream_populate").guest(pos, n).narrate(name + "'s copy of guest " + hex(pos) + " is done.");
                pos += n;
                p = P.SLEEP;
                return Outcome.CONTINUE;
            }
            case PREPARE -> {
                node.removeFilter(filter);
                node.driver().changeBackingFile(id(), null, null);
                cx.name("stream_prepare").narrate(name + " completes: " + filter.nodeName() + " leaves the graph and"
                        + " the top image no longer names a backing file.");
                p = P.DONE;
                return finishUntracked(cx);
            }
            default -> throw new IllegalStateException(name + " is done");
        }
    }

    /**
     * bdrv_is_allocated on the top for the chunk at {@link #pos}, then bdrv_is_allocated_above on the chain below
     * where the top lacks it: sets {@link #n} to the run with one answer and returns whether to copy it.
     */
    private boolean iterate() {
        long cs = node.driver().clusterSize();
        long end = Math.min(bytes, pos + STREAM_CHUNK);
        boolean inTop = allocatedInTop(pos);
        long run = pos;
        while (run < end && allocatedInTop(run) == inTop) {
            run = Math.min(end, run - run % cs + cs);
        }
        n = run - pos;
        if (inTop) {
            return false;
        }
        BackingImage below = node.driver().backingImage();
        if (below == null) {
            return false;
        }
        boolean lower = below.allocated(pos, Math.min(cs - pos % cs, n));
        long at = pos;
        while (at < pos + n && below.allocated(at, Math.min(cs - at % cs, pos + n - at)) == lower) {
            at = at - at % cs + cs;
        }
        n = Math.min(n, at - pos);
        return lower;
    }

    private boolean allocatedInTop(long guest) {
        return node.driver().clusters().map(id(), guest).type() != ClusterType.UNALLOCATED;
    }
}
