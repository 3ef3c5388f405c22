package dev.blockstep.engine.block;

import dev.blockstep.engine.coroutine.Outcome;
import dev.blockstep.engine.coroutine.StepContext;
import dev.blockstep.engine.qcow2.Qcow2Error;

/** qemu-io {@code flush}: blk_flush, i.e. bdrv_co_flush on the qcow2 node. Not a tracked request. */
public final class FlushRequest extends RequestCoroutine {
    private final Flush flush;
    private boolean done;

    public FlushRequest(int id, String name, BlockNode node) {
        super(id, name, node, "flush", 0, 0, RequestFlags.NONE);
        this.flush = new Flush(this, node);
    }

    @Override
    public String phase() {
        return done ? "done" : flush.phase();
    }

    /** flush_f prints nothing, but returns blk_flush's error, so qemu-io exits 1. */
    @Override
    protected void failedWith(Qcow2Error e) {
        node.stdout(BlockNode.Kind.SILENT_FAILURE, "", commandIndex(), 0);
    }

    @Override
    protected Outcome runPhase(StepContext cx) {
        Outcome o = flush.step(cx);
        if (flush.finished() && o instanceof Outcome.Continue) {
            done = true;
            return finishUntracked(cx);
        }
        return o;
    }
}
