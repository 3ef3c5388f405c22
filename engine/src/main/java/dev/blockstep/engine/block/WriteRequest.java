package dev.blockstep.engine.block;

import dev.blockstep.engine.coroutine.Outcome;
import dev.blockstep.engine.coroutine.StepContext;

/**
 * A guest write (qemu-io {@code write}/{@code aio_write -P}): bdrv_co_pwritev_part, tracked_request_begin,
 * bdrv_co_write_req_prepare, the qcow2 write, the FUA flush, tracked_request_end. The fix never makes a plain
 * write serialising; it waits only for serialising requests.
 */
public final class WriteRequest extends RequestCoroutine {
    private enum P { BEGIN, PREPARE, WRITEV, FUA, END, DONE }

    private P p = P.BEGIN;
    private final Qcow2Writev writev;
    private final Flush flush;

    public WriteRequest(int id, String name, BlockNode node, String request, long offset, int bytes, int pattern,
                        RequestFlags flags) {
        super(id, name, node, request, offset, bytes, flags);
        this.writev = new Qcow2Writev(this, node, offset, bytes, pattern);
        this.flush = new Flush(this, node);
    }

    @Override
    public String phase() {
        return switch (p) {
            case BEGIN -> "bdrv_co_pwritev_part";
            case PREPARE -> "bdrv_co_write_req_prepare";
            case WRITEV -> writev.phase();
            case FUA -> flush.phase();
            case END -> "tracked_request_end";
            case DONE -> "done";
        };
    }

    public boolean lockDroppedWithDecision() {
        return p == P.WRITEV && writev.lockDroppedWithDecision();
    }

    @Override
    protected void abortAfterError(StepContext cx) {
        writev.abort(cx);
    }

    @Override
    protected Outcome runPhase(StepContext cx) {
        switch (p) {
            case BEGIN -> {
                beginTracked(cx, TrackedRequestType.WRITE, false);
                cx.name("bdrv_co_pwritev_part").guest(offset, bytes).narrate(name() + " enters the block layer "
                        + "with flags " + flags.hex() + " and registers tracked request #" + tracked.id() + ".");
                p = P.PREPARE;
                return Outcome.CONTINUE;
            }
            case PREPARE -> {
                cx.name("bdrv_co_write_req_prepare").guest(offset, bytes);
                Outcome w = prepareWait(cx);
                if (w != null) {
                    cx.narrate(name() + " overlaps serialising request #" + tracked.waitingFor().id()
                            + " and waits for it to end.");
                    return w;
                }
                cx.narrate(name() + " has no serialising request to wait for and goes on to the driver.");
                p = P.WRITEV;
                return Outcome.CONTINUE;
            }
            case WRITEV -> {
                Outcome o = writev.step(cx);
                if (writev.finished()) {
                    p = flags.has(RequestFlags.FUA) ? P.FUA : P.END;
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
                        .narrate(name() + " ends tracked request #" + tracked.id() + " and completes.");
                p = P.DONE;
                report("wrote");
                return finish(cx, "0");
            }
            default -> throw new IllegalStateException(name() + " is done");
        }
    }
}
