package dev.blockstep.engine.block;

import dev.blockstep.engine.coroutine.Outcome;
import dev.blockstep.engine.coroutine.StepContext;
import dev.blockstep.engine.snapshot.CoState;
import dev.blockstep.engine.snapshot.WriteGeneration;

/**
 * bdrv_co_flush on the file node, for one caller: the qcow2 node's flush once its caches are written, or a
 * bdrv_flush(bs->file) that qcow2's metadata cache makes with s->lock held. It reads write_gen on entry, waits on the
 * file's flush_queue while another flush of the file is active (and looks again each time it is woken), skips the
 * fdatasync when nothing was written since the last flush or the node has cache=unsafe, and at its end clears the
 * flag and wakes the next waiter.
 */
final class FileFlush {
    /** The step that looks at the file node's active_flush_req. */
    static final String LOOK = "bdrv_co_flush (file node)";
    /** The step in which the file's fdatasync completes. */
    static final String SYNCED = "thread_pool_complete";

    private enum P { LOOK, SYNC, FINISHED }

    private final RequestCoroutine co;
    private final FlushState file;
    @WriteGeneration
    private final long currentGen;
    /** cache=unsafe: the flush ends without an fdatasync and counts as done. */
    private final boolean noFlush;
    private P p = P.LOOK;

    /** A flush that reads write_gen now. */
    FileFlush(RequestCoroutine co, BlockNode node) {
        this(co, node, node.driver().fileWriteGen());
    }

    /** A flush that read write_gen as {@code currentGen} on entry. */
    FileFlush(RequestCoroutine co, BlockNode node, long currentGen) {
        this.co = co;
        this.file = node.file();
        this.currentGen = currentGen;
        this.noFlush = node.noFlush();
    }

    boolean finished() {
        return p == P.FINISHED;
    }

    /** Whether the next step is the fdatasync's completion. */
    boolean syncing() {
        return p == P.SYNC;
    }

    /**
     * A look at active_flush_req, made in the caller's step (bdrv_co_flush does not yield before it): blocked on
     * the flush_queue, in the fdatasync, or finished without a sync (the caller goes on in the same step).
     */
    Outcome look(StepContext cx) {
        String n = co.name();
        if (file.activeFlush(cx)) {
            file.flushQueue(cx).queueWait(cx);
            cx.narrate(n + " must flush the host file, but another flush of the file is running, so " + n
                    + " waits on the file node's flush_queue.");
            return Outcome.blocked(CoState.WAITING_FLUSH, "flush_queue of the file node (another flush is active)");
        }
        file.setActiveFlush(cx, true);
        if (noFlush) {
            // bdrv_co_flush's "don't actually force it to the disk with cache=unsafe": a success, so flushed_gen moves
            file.setFlushedGen(cx, currentGen);
            end(cx);
            cx.narrate(n + " would flush the host file, but cache=unsafe (BDRV_O_NO_FLUSH) skips the fdatasync.");
            return Outcome.CONTINUE;
        }
        if (file.flushedGen(cx) == currentGen) {
            end(cx);
            cx.narrate(n + " flushes the host file; nothing was written since its last flush, so no fdatasync.");
            return Outcome.CONTINUE;
        }
        p = P.SYNC;
        cx.narrate(n + " syncs the host file (fdatasync in the thread pool).");
        return Outcome.IN_DATA_IO;
    }

    /** The step after a wake from flush_queue (a look again) or after the fdatasync (its completion). */
    Outcome step(StepContext cx) {
        if (p == P.LOOK) {
            cx.name(LOOK);
            return look(cx);
        }
        if (p != P.SYNC) {
            throw new IllegalStateException(co.name() + " stepped a finished file flush");
        }
        file.setFlushedGen(cx, currentGen);
        end(cx);
        cx.name(SYNCED).narrate(co.name() + "'s sync of the host file completes.");
        return Outcome.CONTINUE;
    }

    private void end(StepContext cx) {
        file.setActiveFlush(cx, false);
        file.flushQueue(cx).restartNext(cx);
        p = P.FINISHED;
    }
}
