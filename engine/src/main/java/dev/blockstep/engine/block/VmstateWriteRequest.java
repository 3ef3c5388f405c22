package dev.blockstep.engine.block;

import dev.blockstep.engine.coroutine.Outcome;
import dev.blockstep.engine.coroutine.StepContext;

/**
 * qemu-io's {@code write -b}: blk_save_vmstate. bdrv_co_writev_vmstate takes no tracked request and checks no disk
 * size; qcow2_save_vmstate calls its own bdrv_co_pwritev_part at the VM state area (qcow2_vm_state_offset) plus the
 * offset, growing the L1 table to reach it. With the write cache off (qemu-io's default writethrough) the
 * BlockBackend then flushes.
 */
public final class VmstateWriteRequest extends RequestCoroutine {
    private enum P { WRITEV, FLUSH, END, DONE }

    private P p = P.WRITEV;
    private final Qcow2Writev writev;
    private final Flush flush;

    /** {@code flags} carries FUA when the BlockBackend writes through: the flush after the save. */
    public VmstateWriteRequest(int id, String name, BlockNode node, String request, long offset, long bytes,
                               int pattern, RequestFlags flags) {
        super(id, name, node, request, offset, bytes, flags);
        this.writev = new Qcow2Writev(this, node, node.driver().vmStateOffset() + offset, bytes, pattern);
        this.flush = new Flush(this, node);
    }

    @Override
    public String phase() {
        return switch (p) {
            case WRITEV -> writev.phase();
            case FLUSH -> flush.phase();
            case END -> "bdrv_co_writev_vmstate";
            case DONE -> "done";
        };
    }

    @Override
    protected void abortAfterError(StepContext cx) {
        writev.abort(cx);
    }

    @Override
    protected Outcome runPhase(StepContext cx) {
        switch (p) {
            case WRITEV -> {
                Outcome o = writev.step(cx);
                if (writev.finished()) {
                    p = flags.has(RequestFlags.FUA) ? P.FLUSH : P.END;
                }
                return o;
            }
            case FLUSH -> {
                Outcome o = flush.step(cx);
                if (flush.finished()) {
                    p = P.END;
                }
                return o;
            }
            case END -> {
                cx.name("bdrv_co_writev_vmstate").narrate(name() + " has saved its VM state bytes and completes.");
                p = P.DONE;
                report("wrote");
                return finishUntracked(cx);
            }
            default -> throw new IllegalStateException(name() + " is done");
        }
    }
}
