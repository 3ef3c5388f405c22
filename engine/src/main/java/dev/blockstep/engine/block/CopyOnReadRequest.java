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
    private enum P { BEGIN, PREPARE, LOCK, STATUS, BACKING, BACKING_DONE, WRITE, ZEROES, END, DONE }

    private P p = P.BEGIN;
    private List<Qcow2Driver.GuestRange> runs = List.of();
    private int run;
    private byte[] bounce;
    private Qcow2Writev writev;
    private PwriteZeroes zeroes;

    public CopyOnReadRequest(int id, String name, BlockNode node, long offset, long bytes) {
        super(id, name, node, "copy-on-read " + offset + " " + bytes, offset, bytes, RequestFlags.NONE);
    }

    @Override
    public String phase() {
        return switch (p) {
            case BEGIN, BACKING -> "bdrv_co_preadv_part";
            case PREPARE -> "bdrv_make_request_serialising";
            case LOCK -> "qemu_co_mutex_lock";
            case STATUS -> "bdrv_co_do_copy_on_readv";
            case BACKING_DONE -> "thread_pool_complete";
            case WRITE -> writev.phase();
            case ZEROES -> zeroes.phase();
            case END -> "tracked_request_end";
            case DONE -> "done";
        };
    }

    @Override
    protected void abortAfterError(StepContext cx) {
        if (p == P.WRITE) {
            writev.abort(cx);
        } else if (p == P.ZEROES) {
            zeroes.abort(cx);
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
                runs = node.driver().backingRuns(id(), offset, bytes);
                unlock(cx);
                cx.name("bdrv_co_do_copy_on_readv").guest(offset, bytes).narrate(n + " finds " + runs.size()
                        + " run(s) unallocated in the top image and releases s->lock.");
                p = runs.isEmpty() ? P.END : P.BACKING;
                return Outcome.CONTINUE;
            }
            case BACKING -> {
                Qcow2Driver.GuestRange r = runs.get(run);
                cx.name("bdrv_co_preadv_part").guest(r.offset(), r.bytes()).narrate(n + " reads guest "
                        + hex(r.offset()) + " from the backing child into its bounce buffer.");
                p = P.BACKING_DONE;
                return Outcome.IN_DATA_IO;
            }
            case BACKING_DONE -> {
                Qcow2Driver.GuestRange r = runs.get(run);
                bounce = new byte[(int) r.bytes()];
                node.driver().readBacking(id(), r, bounce, 0);
                cx.name("thread_pool_complete").guest(r.offset(), r.bytes());
                if (allZero(bounce)) {
                    zeroes = new PwriteZeroes(this, node, r.offset(), r.bytes(), RequestFlags.of(RequestFlags.ZERO_WRITE));
                    cx.narrate(n + "'s backing read completes: all zero, so it writes zeroes without unmap.");
                    p = P.ZEROES;
                } else {
                    writev = new Qcow2Writev(this, node, r.offset(), bounce);
                    cx.narrate(n + "'s backing read completes; it writes the bytes into the top image.");
                    p = P.WRITE;
                }
                return Outcome.CONTINUE;
            }
            case WRITE -> {
                Outcome o = writev.step(cx);
                if (writev.finished()) {
                    nextRun();
                }
                return o;
            }
            case ZEROES -> {
                Outcome o = zeroes.step(cx);
                if (zeroes.finished()) {
                    nextRun();
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

    private void nextRun() {
        run++;
        bounce = null;
        p = run < runs.size() ? P.BACKING : P.END;
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }
}
