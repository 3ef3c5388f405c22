package dev.blockstep.engine.trace;

import dev.blockstep.trace.QemuEvent;
import dev.blockstep.trace.qemulog.FlushSections;
import java.util.List;

/**
 * The anchors of bdrv_co_flush on the qcow2 node ({@link FlushSections} finds the flushes): each look at
 * active_flush_req is one of the engine's "bdrv_co_flush" steps, and the end of the flush, which clears the flag and
 * wakes the next waiter, is the engine's completion step of the flush.
 */
final class FlushAnchors {

    /** The engine step that looks at active_flush_req. */
    static final String ATTEMPT = "bdrv_co_flush";
    /** The engine's name for the step that ends the flush (the file's sync completes, the flag is cleared). */
    static final String END = "thread_pool_complete";

    interface Sink {
        void add(String co, int index, String event);
    }

    private FlushAnchors() {
    }

    static void find(List<QemuEvent> events, Sink sink) {
        for (FlushSections.Flush f : FlushSections.of(events)) {
            for (int a : f.attempts()) {
                sink.add(f.coroutine(), a, ATTEMPT);
            }
            if (f.end() >= 0) {
                sink.add(f.coroutine(), f.end(), END);
            }
        }
    }
}
