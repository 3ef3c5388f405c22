package dev.blockstep.engine.block;

import dev.blockstep.engine.coroutine.Outcome;
import dev.blockstep.engine.coroutine.StepContext;
import dev.blockstep.engine.qcow2.Qcow2Driver;
import java.util.List;

/**
 * A write-zeroes from a BlockBackend (qemu-io {@code write -z}, {@code aio_write -z [-u]}). It enters at
 * bdrv_co_pwritev_part with BDRV_REQ_ZERO_WRITE, bypassing bdrv_co_pwrite_zeroes; bdrv_co_do_pwrite_zeroes
 * splits it at cluster boundaries, a piece the driver refuses (-ENOTSUP) is written as a buffer of zeros
 * through the normal write path, and FUA adds a flush. With the fix on at its start, it is serialising.
 * A piece that does not cover its cluster is widened to the whole cluster when the rest of the cluster reads as
 * zero and the cluster is unallocated or a zero cluster: qemu asks block status first, which takes and releases
 * s->lock once per side of the piece, then takes the lock again, queueing behind whoever came meanwhile. A
 * ZERO_ALLOC cluster whose other half a write is about to link reads as zero, so the widened zero write frees it.
 * The freed host clusters are punched after the zeroize, one step per queued range, with s->lock still held:
 * qemu's punch is file I/O that yields, so a data write in flight may complete before or after it.
 */
public final class ZeroWriteRequest extends RequestCoroutine {
    private enum P { BEGIN, PREPARE, PIECE_LOCK, STATUS_LOCK, STATUS, STATUS_UNLOCK, ZERO_LOCK, ZEROIZE, PUNCH, ZERO_UNLOCK, FALLBACK,
        FUA, END, DONE }

    private P p = P.BEGIN;
    private long pos;
    private long pieceLen;
    /** The block-status queries of is_zero still to ask for an unaligned piece (qcow2_co_pwrite_zeroes). */
    private List<Qcow2Driver.GuestRange> isZeroQueries = List.of();
    /** What the last block-status query answered. */
    private boolean readsZero;
    private Qcow2Writev fallback;
    private long fallbackAt;
    private long fallbackLen;
    private final Flush flush;

    public ZeroWriteRequest(int id, String name, BlockNode node, String request, long offset, long bytes,
                            RequestFlags flags) {
        super(id, name, node, request, offset, bytes, flags.with(RequestFlags.ZERO_WRITE));
        this.flush = new Flush(this, node);
    }

    @Override
    public String phase() {
        return switch (p) {
            case BEGIN -> "bdrv_co_pwritev_part";
            case PREPARE -> "bdrv_co_write_req_prepare";
            case PIECE_LOCK -> "qcow2_pwrite_zeroes_start_req";
            case STATUS_LOCK, ZERO_LOCK -> "qemu_co_mutex_lock";
            case STATUS -> BLOCK_STATUS;
            case STATUS_UNLOCK -> "qemu_co_mutex_unlock";
            case ZEROIZE -> "qcow2_pwrite_zeroes";
            case PUNCH -> PunchStep.NAME;
            case ZERO_UNLOCK -> "qemu_co_mutex_unlock";
            case FALLBACK -> fallback.phase();
            case FUA -> flush.phase();
            case END -> "tracked_request_end";
            case DONE -> "done";
        };
    }

    private boolean mayUnmap() {
        return flags.has(RequestFlags.MAY_UNMAP);
    }

    /** bdrv_co_do_pwrite_zeroes' split: an unaligned head (at most a bounce buffer), whole clusters, the tail. */
    private long nextPiece() {
        return nextClusterPiece(pos, MAX_BOUNCE_BUFFER);
    }

    /** qemu's MAX_BOUNCE_BUFFER: the largest fallback write of zeros at once. */
    private static final long MAX_BOUNCE_BUFFER = 32768L * 512;

    /**
     * The step of one is_zero query: qcow2_co_block_status maps the range under s->lock and releases it. It has
     * no trace event; the log shows its lock and unlock.
     */
    public static final String BLOCK_STATUS = "qcow2_co_block_status";

    @Override
    protected void abortAfterError(StepContext cx) {
        if (fallback != null) {
            fallback.abort(cx);
        }
    }

    @Override
    protected Outcome runPhase(StepContext cx) {
        String n = name();
        switch (p) {
            case BEGIN -> {
                beginTracked(cx, TrackedRequestType.WRITE, true);
                cx.name("bdrv_co_pwritev_part").guest(offset, bytes).narrate(n + " enters the block layer as a "
                        + "zero write" + (mayUnmap() ? " that may unmap" : "") + " and registers tracked request #"
                        + tracked.id() + (serialisingRequested ? "; the fix marks it serialising." : "."));
                p = P.PREPARE;
                return Outcome.CONTINUE;
            }
            case PREPARE -> {
                cx.name("bdrv_co_write_req_prepare").guest(offset, bytes);
                Outcome w = prepareWait(cx);
                if (w != null) {
                    cx.narrate(n + " overlaps request #" + tracked.waitingFor().id() + " of "
                            + tracked.waitingFor().owner().name() + " and waits for it to end.");
                    return w;
                }
                cx.narrate(n + (serialisingRequested ? " finds no overlapping request in flight" :
                        " is not serialising and waits for nobody") + ", and goes on to the driver.");
                p = bytes == 0 ? afterDriver() : P.PIECE_LOCK;
                return Outcome.CONTINUE;
            }
            case PIECE_LOCK -> {
                pieceLen = nextPiece();
                isZeroQueries = node.driver().isZeroQueries(offset + pos, pieceLen);
                cx.name("qcow2_pwrite_zeroes_start_req").guest(offset + pos, pieceLen);
                if (!isZeroQueries.isEmpty()) {
                    // qemu goes on without a yield into is_zero, whose block status takes s->lock
                    return statusLock(cx, n + " zeroes guest " + hex(offset + pos) + ", which does not cover its "
                            + "cluster; before widening it to the whole cluster, is_zero asks block status whether "
                            + "the rest reads as zero");
                }
                p = P.ZEROIZE;
                return lockOrQueue(cx, n + " queues for s->lock.",
                        n + " takes s->lock to zero guest " + hex(offset + pos) + ".");
            }
            case STATUS_LOCK -> {
                return statusLock(cx, n + " asks block status about the other side of its piece");
            }
            case STATUS -> {
                lockReturned(cx);
                Qcow2Driver.GuestRange q = isZeroQueries.get(0);
                readsZero = node.driver().blockStatusZero(id(), q.offset());
                cx.name(BLOCK_STATUS).guest(q.offset(), q.bytes()).narrate(n + " looks up guest " + hex(q.offset())
                        + " in the L2 table, holding s->lock: it " + (readsZero ? "reads as zero" : "holds data")
                        + ".");
                p = P.STATUS_UNLOCK;
                // the L2 lookup is metadata I/O that may yield with the lock held, as an allocation's does
                return Outcome.YIELD;
            }
            case STATUS_UNLOCK -> {
                Qcow2Driver.GuestRange q = isZeroQueries.get(0);
                unlock(cx);
                cx.name("qemu_co_mutex_unlock").guest(q.offset(), q.bytes());
                if (!readsZero) {
                    fallbackAt = 0;
                    startFallbackChunk();
                    cx.narrate(n + " releases s->lock; the rest of the cluster is not zero (-ENOTSUP), so it "
                            + "writes a buffer of zeros instead.");
                    p = P.FALLBACK;
                    return Outcome.CONTINUE;
                }
                isZeroQueries = isZeroQueries.subList(1, isZeroQueries.size());
                cx.narrate(n + " releases s->lock" + (isZeroQueries.isEmpty()
                        ? "; the rest of the cluster reads as zero, so it will zero the whole cluster." : "."));
                p = isZeroQueries.isEmpty() ? P.ZERO_LOCK : P.STATUS_LOCK;
                return Outcome.CONTINUE;
            }
            case ZERO_LOCK -> {
                cx.name("qemu_co_mutex_lock").guest(offset + pos, pieceLen);
                p = P.ZEROIZE;
                return lockOrQueue(cx, n + " queues for s->lock again, behind every coroutine that queued while it "
                        + "asked block status.", n + " takes s->lock again to zero guest " + hex(offset + pos) + ".");
            }
            case ZEROIZE -> {
                lockReturned(cx);
                long at = offset + pos;
                cx.guest(at, pieceLen);
                if (!node.driver().pwriteZeroes(id(), at, pieceLen, mayUnmap(), false)) {
                    unlock(cx);
                    fallbackAt = 0;
                    startFallbackChunk();
                    cx.name("qcow2_pwrite_zeroes").narrate(n + " cannot zero part of an allocated cluster "
                            + "(-ENOTSUP), so it releases s->lock and writes a buffer of zeros instead.");
                    p = P.FALLBACK;
                    return Outcome.CONTINUE;
                }
                boolean punch = node.driver().hasQueuedDiscards();
                cx.name("qcow2_pwrite_zeroes").narrate(n + " marks guest " + hex(at) + " as zero"
                        + (punch ? " and frees its allocated host clusters, queueing their punch" : "")
                        + ", holding s->lock.");
                p = punch ? P.PUNCH : P.ZERO_UNLOCK;
                return Outcome.YIELD;
            }
            case PUNCH -> {
                cx.guest(offset + pos, pieceLen);
                p = PunchStep.run(this, cx) ? P.PUNCH : P.ZERO_UNLOCK;
                return Outcome.YIELD;
            }
            case ZERO_UNLOCK -> {
                unlock(cx);
                cx.name("qemu_co_mutex_unlock").guest(offset + pos, pieceLen).narrate(n + " releases s->lock.");
                pos += pieceLen;
                p = pos < bytes ? P.PIECE_LOCK : afterDriver();
                return Outcome.CONTINUE;
            }
            case FALLBACK -> {
                Outcome o = fallback.step(cx);
                if (fallback.finished()) {
                    fallbackAt += fallbackLen;
                    if (fallbackAt < pieceLen) {
                        startFallbackChunk();
                    } else {
                        pos += pieceLen;
                        p = pos < bytes ? P.PIECE_LOCK : afterDriver();
                    }
                }
                return o;
            }
            case FUA -> {
                Outcome o = flush.step(cx);
                if (flush.finished()) {
                    p = P.END;
                }
                return o;
            }
            case END -> {
                cx.name("tracked_request_end").guest(offset, bytes)
                        .narrate(n + " ends tracked request #" + tracked.id() + " and completes.");
                p = P.DONE;
                report("wrote");
                return finish(cx, "0");
            }
            default -> throw new IllegalStateException(n + " is done");
        }
    }

    /** qcow2_co_block_status's qemu_co_mutex_lock for the next is_zero query. */
    private Outcome statusLock(StepContext cx, String why) {
        Qcow2Driver.GuestRange q = isZeroQueries.get(0);
        cx.name("qemu_co_mutex_lock").guest(q.offset(), q.bytes());
        p = P.STATUS;
        return lockOrQueue(cx, why + ", and queues for s->lock.", why + ", which takes s->lock.");
    }

    private void startFallbackChunk() {
        fallbackLen = Math.min(pieceLen - fallbackAt, MAX_BOUNCE_BUFFER);
        fallback = new Qcow2Writev(this, node, offset + pos + fallbackAt, fallbackLen, 0);
    }

    private P afterDriver() {
        return flags.has(RequestFlags.FUA) ? P.FUA : P.END;
    }
}
