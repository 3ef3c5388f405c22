package dev.blockstep.engine.block;

import dev.blockstep.engine.coroutine.StepContext;
import dev.blockstep.engine.qcow2.Qcow2Driver;

/**
 * One bdrv_pdiscard of qcow2_process_discards on the file node: the punch of a host range that a zeroize or
 * discard freed. s->lock stays held, but the punch is thread-pool I/O, so the step ends in a yield and a data
 * write of another coroutine may complete on either side of it.
 */
final class PunchStep {
    static final String NAME = "qcow2_process_discards";

    private PunchStep() {
    }

    /** Punches the oldest queued range; true when more remain. */
    static boolean run(RequestCoroutine co, StepContext cx) {
        Qcow2Driver.HostRange r = co.node.driver().processOneDiscard(co.id());
        cx.name(NAME);
        if (r != null) {
            cx.host(r.offset(), r.bytes()).narrate(co.name() + " punches host " + RequestCoroutine.hex(r.offset())
                    + " (" + r.bytes() + " bytes) on the file, still holding s->lock; the punch yields.");
        }
        return co.node.driver().hasQueuedDiscards();
    }
}
