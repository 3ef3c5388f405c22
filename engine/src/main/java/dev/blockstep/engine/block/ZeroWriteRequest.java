package dev.blockstep.engine.block;

import dev.blockstep.engine.coroutine.Outcome;
import dev.blockstep.engine.coroutine.StepContext;
import dev.blockstep.engine.fix.FixVariant;

/**
 * A write-zeroes from a BlockBackend (qemu-io {@code write -z}, {@code aio_write -z [-u]}, the NBD server's
 * WRITE_ZEROES). It enters at bdrv_co_pwritev_part with BDRV_REQ_ZERO_WRITE, bypassing bdrv_co_pwrite_zeroes and
 * its BDRV_O_UNMAP check, then runs bdrv_co_do_pwrite_zeroes ({@link PwriteZeroes}); FUA adds a flush. An internal
 * caller's zero write ({@link #viaPwriteZeroes}) passes the wrapper first. It is serialising when a gate of its fix
 * variant on its path marks it: the wrapper's ({@link FixVariant#serialisesInPwriteZeroes()}) or
 * bdrv_co_pwritev_part's on the entry flags ({@link FixVariant#serialisesAtPwritev}). The freed host clusters are punched after the zeroize, one step per
 * queued range, with s->lock still held: qemu's punch is file I/O that yields, so a data write in flight may
 * complete before or after it.
 */
public final class ZeroWriteRequest extends RequestCoroutine {
    private enum P { BEGIN, PREPARE, ZEROES, FUA, END, DONE }

    private P p = P.BEGIN;
    private final PwriteZeroes zeroes;
    private final Flush flush;
    /** Entered through bdrv_co_pwrite_zeroes rather than straight at bdrv_co_pwritev_part. */
    private final boolean viaWrapper;

    public ZeroWriteRequest(int id, String name, BlockNode node, String request, long offset, long bytes,
                            RequestFlags flags) {
        this(id, name, node, request, offset, bytes, flags, false);
    }

    private ZeroWriteRequest(int id, String name, BlockNode node, String request, long offset, long bytes,
                             RequestFlags flags, boolean viaWrapper) {
        super(id, name, node, request, offset, bytes, flags.with(RequestFlags.ZERO_WRITE));
        this.zeroes = new PwriteZeroes(this, node, offset, bytes, this.flags);
        this.flush = new Flush(this, node);
        this.viaWrapper = viaWrapper;
    }

    /**
     * bdrv_co_pwrite_zeroes(child, ...) as a caller inside qemu issues it (a filter or format driver above this
     * node, qcow2 on its data file): without BDRV_O_UNMAP on the node it drops MAY_UNMAP, then goes on to
     * bdrv_co_pwritev_part with ZERO_WRITE. None of the producers the engine models (qemu-io, HMP qemu-io, the NBD
     * server, block-job requests) takes this path: theirs enter through a BlockBackend.
     */
    public static ZeroWriteRequest viaPwriteZeroes(int id, String name, BlockNode node, String request, long offset,
                                                   long bytes, RequestFlags flags) {
        RequestFlags f = node.unmap() ? flags : flags.without(RequestFlags.MAY_UNMAP);
        return new ZeroWriteRequest(id, name, node, request, offset, bytes, f, true);
    }

    @Override
    public String phase() {
        return switch (p) {
            case BEGIN -> "bdrv_co_pwritev_part";
            case PREPARE -> "bdrv_co_write_req_prepare";
            case ZEROES -> zeroes.phase();
            case FUA -> flush.phase();
            case END -> "tracked_request_end";
            case DONE -> "done";
        };
    }

    private boolean mayUnmap() {
        return flags.has(RequestFlags.MAY_UNMAP);
    }

    @Override
    protected void abortAfterError(StepContext cx) {
        zeroes.abort(cx);
    }

    @Override
    protected Outcome runPhase(StepContext cx) {
        String n = name();
        switch (p) {
            case BEGIN -> {
                readFix();
                // the wrapper has no yield before bdrv_co_pwritev_part, so both gates are asked in this step
                boolean wrapperGate = viaWrapper && fix.serialisesInPwriteZeroes();
                beginTracked(cx, TrackedRequestType.WRITE, wrapperGate || gatedAtPwritev());
                cx.name("bdrv_co_pwritev_part").guest(offset, bytes).narrate(n + " enters the block layer "
                        + (viaWrapper ? "through bdrv_co_pwrite_zeroes " : "") + "as a zero write"
                        + (mayUnmap() ? " that may unmap" : "") + " and registers tracked request #"
                        + tracked.id() + gateNarration());
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
                p = zeroes.finished() ? afterDriver() : P.ZEROES;
                return Outcome.CONTINUE;
            }
            case ZEROES -> {
                Outcome o = zeroes.step(cx);
                if (zeroes.finished()) {
                    p = afterDriver();
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
                p = P.DONE;
                return endWrite(cx);
            }
            default -> throw new IllegalStateException(n + " is done");
        }
    }

    private P afterDriver() {
        return flags.has(RequestFlags.FUA) ? P.FUA : P.END;
    }
}
