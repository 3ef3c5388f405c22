package dev.blockstep.engine.block;

import dev.blockstep.engine.coroutine.Outcome;
import dev.blockstep.engine.coroutine.StepContext;
import dev.blockstep.engine.qcow2.Qcow2Driver;
import java.util.List;

/**
 * A copy-on-read prefetch (blk_co_preadv with BDRV_REQ_PREFETCH through the copy-on-read filter, as
 * stream_populate issues it): bdrv_aligned_preadv makes the tracked request serialising with cluster alignment
 * and waits, then bdrv_co_do_copy_on_readv asks the top image which runs are still unallocated, reads each
 * from the backing child into a bounce buffer and writes it into the top (bdrv_driver_pwritev with
 * BDRV_REQ_WRITE_UNCHANGED, or bdrv_co_do_pwrite_zeroes without MAY_UNMAP when the buffer is all zero). Nothing
 * is returned to the caller: a prefetch reads into no buffer of its own.
 */
public final class CopyOnReadRequest extends RequestCoroutine {
    private enum P { BEGIN, PREPARE, LOCK, STATUS, COPY, END, DONE }

    private P p = P.BEGIN;
    private CopyOnReadRuns copy;

    public CopyOnReadRequest(int id, String name, BlockNode node, long offset, long bytes) {
        super(id, name, node, "copy-on-read " + offset + " " + bytes, offset, bytes, RequestFlags.NONE);
    }

    @Override
    public String phase() {
        return switch (p) {
            case BEGIN -> "bdrv_co_preadv_part";
            case PREPARE -> "bdrv_make_request_serialising";
            case LOCK -> "qemu_co_mutex_lock";
            case STATUS -> "bdrv_co_do_copy_on_readv";
            case COPY -> copy.phase();
            case END -> "tracked_request_end";
            case DONE -> "done";
        };
    }

    @Override
    protected void abortAfterError(StepContext cx) {
        if (p == P.COPY) {
            copy.abort(cx);
        }
    }

    @Override
    protected Outcome runPhase(StepContext cx) {
        String n = name();
        switch (p) {
            case BEGIN -> {
                beginTracked(cx, TrackedRequestType.READ, true);
                cx.name("bdrv_co_preadv_part").guest(offset, bytes).narrate(n + " prefetches guest " + hex(offset)
                        + " with copy-on-read and registers tracked request #" + tracked.id() + ".");
                p = P.PREPARE;
                return Outcome.CONTINUE;
            }
            case PREPARE -> {
                cx.name("bdrv_make_request_serialising").guest(offset, bytes);
                Outcome w = prepareWait(cx);
                if (w != null) {
                    cx.narrate(n + " is serialising and overlaps request #" + tracked.waitingFor().id() + "; it waits.");
                    return w;
                }
                cx.narrate(n + " is serialising, cluster-aligned; no overlapping request is in flight.");
                p = P.LOCK;
                return Outcome.CONTINUE;
            }
            case LOCK -> {
                cx.name("qemu_co_mutex_lock").guest(offset, bytes);
                p = P.STATUS;
                return lockOrQueue(cx, n + " queues for s->lock.", n + " takes s->lock to ask which clusters the "
                        + "top image lacks.");
            }
            case STATUS -> {
                lockReturned(cx);
                List<Qcow2Driver.GuestRange> runs = node.driver().copyOnReadRuns(id(), offset, bytes);
                unlock(cx);
                cx.name("bdrv_co_do_copy_on_readv").guest(offset, bytes).narrate(n + " finds " + runs.size()
                        + " run(s) unallocated in the top image and releases s->lock.");
                copy = new CopyOnReadRuns(this, node, runs);
                p = copy.finished() ? P.END : P.COPY;
                return Outcome.CONTINUE;
            }
            case COPY -> {
                Outcome o = copy.step(cx);
                if (copy.finished()) {
                    p = P.END;
                }
                return o;
            }
            case END -> {
                cx.name("tracked_request_end").guest(offset, bytes).narrate(n + " ends tracked request #"
                        + tracked.id() + "; the prefetch is done.");
                p = P.DONE;
                return finish(cx, "0");
            }
            default -> throw new IllegalStateException(n + " is done");
        }
    }
}
