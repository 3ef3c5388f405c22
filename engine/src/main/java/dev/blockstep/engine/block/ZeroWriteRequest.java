package dev.blockstep.engine.block;

import dev.blockstep.engine.coroutine.Outcome;
import dev.blockstep.engine.coroutine.StepContext;

/**
 * A write-zeroes from a BlockBackend (qemu-io {@code write -z}, {@code aio_write -z [-u]}). It enters at
 * bdrv_co_pwritev_part with BDRV_REQ_ZERO_WRITE, bypassing bdrv_co_pwrite_zeroes; bdrv_co_do_pwrite_zeroes
 * splits it at cluster boundaries, a piece the driver refuses (-ENOTSUP) is written as a buffer of zeros
 * through the normal write path, and FUA adds a flush. With the fix on at its start, it is serialising.
 * The freed host clusters are punched after the zeroize, one step per queued range, with s->lock still held:
 * qemu's punch is file I/O that yields, so a data write in flight may complete before or after it.
 */
public final class ZeroWriteRequest extends RequestCoroutine {
    private enum P { BEGIN, PREPARE, PIECE_LOCK, ZEROIZE, PUNCH, ZERO_UNLOCK, FALLBACK, FUA, END, DONE }

    private P p = P.BEGIN;
    private long pos;
    private long pieceLen;
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
                cx.name("qcow2_pwrite_zeroes_start_req").guest(offset + pos, pieceLen);
                p = P.ZEROIZE;
                return lockOrQueue(cx, n + " queues for s->lock.",
                        n + " takes s->lock to zero guest " + hex(offset + pos) + ".");
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

    private void startFallbackChunk() {
        fallbackLen = Math.min(pieceLen - fallbackAt, MAX_BOUNCE_BUFFER);
        fallback = new Qcow2Writev(this, node, offset + pos + fallbackAt, fallbackLen, 0);
    }

    private P afterDriver() {
        return flags.has(RequestFlags.FUA) ? P.FUA : P.END;
    }
}
