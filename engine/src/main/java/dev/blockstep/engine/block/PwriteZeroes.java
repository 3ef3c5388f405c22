package dev.blockstep.engine.block;

import dev.blockstep.engine.coroutine.Outcome;
import dev.blockstep.engine.coroutine.StepContext;
import dev.blockstep.engine.qcow2.Qcow2Error;

/**
 * bdrv_co_do_pwrite_zeroes on the qcow2 node, one phase per step: the split at cluster boundaries, each piece's
 * qcow2_co_pwrite_zeroes under s->lock with the punches of what it freed, and the bounce-buffer write of zeros for
 * a piece the driver refuses (-ENOTSUP). Both a write-zeroes request and a data write that detect-zeroes
 * converted run it after bdrv_co_write_req_prepare.
 *
 * <p>A piece that does not cover its cluster is widened to the whole cluster when the rest of the cluster reads as
 * zero and the cluster is unallocated or a zero cluster: qemu asks block status first, which takes and releases
 * s->lock once per side of the piece, then takes the lock again, queueing behind whoever came meanwhile. A
 * ZERO_ALLOC cluster whose other half a write is about to link reads as zero, so the widened zero write frees it.
 */
final class PwriteZeroes {
    private enum P { PIECE_LOCK, STATUS_LOCK, STATUS, STATUS_UNLOCK, ZERO_LOCK, ZEROIZE, PUNCH, ZERO_UNLOCK, FALLBACK,
        FINISHED }

    /** qemu's MAX_BOUNCE_BUFFER: the largest fallback write of zeros at once. */
    private static final long MAX_BOUNCE_BUFFER = 32768L * 512;

    private final RequestCoroutine co;
    private final BlockNode node;
    private final long offset;
    private final long bytes;
    private final boolean mayUnmap;
    /** BDRV_REQ_NO_FALLBACK: a piece the driver refuses fails the request instead of being written as zeros. */
    private final boolean noFallback;
    private P p;
    private long pos;
    private long pieceLen;
    /** The block-status queries of is_zero still to ask for an unaligned piece (qcow2_co_pwrite_zeroes). */
    private final BlockStatusQueries isZero;
    private Qcow2Writev fallback;
    private long fallbackAt;
    private long fallbackLen;

    PwriteZeroes(RequestCoroutine co, BlockNode node, long offset, long bytes, RequestFlags flags) {
        this.co = co;
        this.node = node;
        this.offset = offset;
        this.bytes = bytes;
        this.mayUnmap = flags.has(RequestFlags.MAY_UNMAP);
        this.noFallback = flags.has(RequestFlags.NO_FALLBACK);
        this.isZero = new BlockStatusQueries(co, node);
        this.p = bytes == 0 ? P.FINISHED : P.PIECE_LOCK;
    }

    boolean finished() {
        return p == P.FINISHED;
    }

    String phase() {
        return switch (p) {
            case PIECE_LOCK -> "qcow2_pwrite_zeroes_start_req";
            case STATUS_LOCK, ZERO_LOCK -> "qemu_co_mutex_lock";
            case STATUS -> BlockStatusQueries.BLOCK_STATUS;
            case STATUS_UNLOCK -> "qemu_co_mutex_unlock";
            case ZEROIZE -> "qcow2_pwrite_zeroes";
            case PUNCH -> PunchStep.NAME;
            case ZERO_UNLOCK -> "qemu_co_mutex_unlock";
            case FALLBACK -> fallback.phase();
            case FINISHED -> "done";
        };
    }

    void abort(StepContext cx) {
        if (fallback != null) {
            fallback.abort(cx);
        }
    }

    Outcome step(StepContext cx) {
        String n = co.name();
        switch (p) {
            case PIECE_LOCK -> {
                if (pos == 0 && noFallback && node.driver().header().version() < 3) {
                    // qcow2 lists NO_FALLBACK among its zero-write flags for version 3 images only
                    throw Qcow2Error.asQemu(Qcow2Error.ENOTSUP, "a version 2 image cannot zero without fallback");
                }
                pieceLen = co.nextClusterPiece(offset, bytes, pos, MAX_BOUNCE_BUFFER);
                isZero.start(node.driver().isZeroQueries(offset + pos, pieceLen));
                cx.name("qcow2_pwrite_zeroes_start_req").guest(offset + pos, pieceLen);
                if (isZero.pending()) {
                    // qemu goes on without a yield into is_zero, whose block status takes s->lock
                    return statusLock(cx, n + " zeroes guest " + RequestCoroutine.hex(offset + pos) + ", which does "
                            + "not cover its cluster; before widening it to the whole cluster, is_zero asks block "
                            + "status whether the rest reads as zero");
                }
                p = P.ZEROIZE;
                return co.lockOrQueue(cx, n + " queues for s->lock.",
                        n + " takes s->lock to zero guest " + RequestCoroutine.hex(offset + pos) + ".");
            }
            case STATUS_LOCK -> {
                return statusLock(cx, n + " asks block status about the other side of its piece");
            }
            case STATUS -> {
                p = P.STATUS_UNLOCK;
                return isZero.status(cx);
            }
            case STATUS_UNLOCK -> {
                if (!isZero.unlock(cx)) {
                    refuseWithoutFallback();
                    fallbackAt = 0;
                    startFallbackChunk();
                    cx.narrate(n + " releases s->lock; the rest of the cluster is not zero (-ENOTSUP), so it "
                            + "writes a buffer of zeros instead.");
                    p = P.FALLBACK;
                    return Outcome.CONTINUE;
                }
                cx.narrate(n + " releases s->lock" + (isZero.pending() ? "."
                        : "; the rest of the cluster reads as zero, so it will zero the whole cluster."));
                p = isZero.pending() ? P.STATUS_LOCK : P.ZERO_LOCK;
                return Outcome.CONTINUE;
            }
            case ZERO_LOCK -> {
                cx.name("qemu_co_mutex_lock").guest(offset + pos, pieceLen);
                p = P.ZEROIZE;
                return co.lockOrQueue(cx, n + " queues for s->lock again, behind every coroutine that queued while "
                        + "it asked block status.", n + " takes s->lock again to zero guest "
                        + RequestCoroutine.hex(offset + pos) + ".");
            }
            case ZEROIZE -> {
                co.lockReturned(cx);
                long at = offset + pos;
                cx.guest(at, pieceLen);
                if (!node.driver().pwriteZeroes(co.id(), at, pieceLen, mayUnmap, false)) {
                    refuseWithoutFallback();
                    co.unlock(cx);
                    fallbackAt = 0;
                    startFallbackChunk();
                    cx.name("qcow2_pwrite_zeroes").narrate(n + " cannot zero part of an allocated cluster "
                            + "(-ENOTSUP), so it releases s->lock and writes a buffer of zeros instead.");
                    p = P.FALLBACK;
                    return Outcome.CONTINUE;
                }
                boolean punch = node.driver().hasQueuedDiscards();
                cx.name("qcow2_pwrite_zeroes").narrate(n + " marks guest " + RequestCoroutine.hex(at) + " as zero"
                        + (punch ? " and frees its allocated host clusters, queueing their punch" : "")
                        + ", holding s->lock.");
                p = punch ? P.PUNCH : P.ZERO_UNLOCK;
                return Outcome.YIELD;
            }
            case PUNCH -> {
                cx.guest(offset + pos, pieceLen);
                p = PunchStep.run(co, cx) ? P.PUNCH : P.ZERO_UNLOCK;
                return Outcome.YIELD;
            }
            case ZERO_UNLOCK -> {
                co.unlock(cx);
                cx.name("qemu_co_mutex_unlock").guest(offset + pos, pieceLen).narrate(n + " releases s->lock.");
                pos += pieceLen;
                p = pos < bytes ? P.PIECE_LOCK : P.FINISHED;
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
                        p = pos < bytes ? P.PIECE_LOCK : P.FINISHED;
                    }
                }
                return o;
            }
            default -> throw new IllegalStateException(n + "'s zero write is done");
        }
    }

    /** qcow2_co_block_status's qemu_co_mutex_lock for the next is_zero query. */
    private Outcome statusLock(StepContext cx, String why) {
        p = P.STATUS;
        return isZero.lock(cx, why + ", and queues for s->lock.", why + ", which takes s->lock.");
    }

    /** bdrv_co_do_pwrite_zeroes returns the driver's -ENOTSUP when the request may not fall back. */
    private void refuseWithoutFallback() {
        if (noFallback) {
            throw Qcow2Error.asQemu(Qcow2Error.ENOTSUP, "the rest of the cluster is not zero and NO_FALLBACK is set");
        }
    }

    private void startFallbackChunk() {
        fallbackLen = Math.min(pieceLen - fallbackAt, MAX_BOUNCE_BUFFER);
        fallback = new Qcow2Writev(co, node, offset + pos + fallbackAt, fallbackLen, 0);
    }
}
