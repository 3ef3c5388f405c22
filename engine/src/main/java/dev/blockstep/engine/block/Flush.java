package dev.blockstep.engine.block;

import dev.blockstep.engine.coroutine.Outcome;
import dev.blockstep.engine.coroutine.StepContext;
import dev.blockstep.engine.snapshot.CoState;

/**
 * bdrv_co_flush on the qcow2 node: flushes are serialised per node (active_flush_req and flush_queue), then
 * qcow2_co_flush_to_os writes the caches under s->lock, then, with the lock released, the file child is flushed
 * (bdrv_co_flush on the file node, {@link FileFlush}), and the flush ends: the flag is cleared and the next waiter
 * woken, in the same run as the file flush's end.
 */
final class Flush {
    private enum P { BEGIN, LOCK, FLUSH, UNLOCK_SYNC, FILE, SYNC_DONE, FINISHED }

    private final RequestCoroutine co;
    private final BlockNode node;
    private P p = P.BEGIN;
    private FileFlush file;

    Flush(RequestCoroutine co, BlockNode node) {
        this.co = co;
        this.node = node;
    }

    boolean finished() {
        return p == P.FINISHED;
    }

    String phase() {
        return switch (p) {
            case BEGIN -> "bdrv_co_flush";
            case LOCK -> "qemu_co_mutex_lock";
            case FLUSH -> "qcow2_co_flush_to_os";
            case UNLOCK_SYNC -> "bdrv_co_flush (file)";
            case FILE -> file.syncing() ? "thread_pool_complete" : FileFlush.LOOK;
            case SYNC_DONE -> "thread_pool_complete";
            case FINISHED -> "done";
        };
    }

    Outcome step(StepContext cx) {
        String n = co.name();
        switch (p) {
            case BEGIN -> {
                cx.name("bdrv_co_flush");
                if (node.flush().activeFlush(cx)) {
                    node.flush().flushQueue(cx).queueWait(cx);
                    cx.narrate(n + " must flush, but another flush of the node is running, so " + n + " waits.");
                    return Outcome.blocked(CoState.WAITING_FLUSH, "flush_queue (another flush is active)");
                }
                node.flush().setActiveFlush(cx, true);
                cx.narrate(n + " starts the flush that writethrough mode adds after every write (FUA).");
                p = P.LOCK;
                return Outcome.CONTINUE;
            }
            case LOCK -> {
                cx.name("qemu_co_mutex_lock");
                p = P.FLUSH;
                return co.lockOrQueue(cx, n + " queues for s->lock to write the caches.",
                        n + " takes s->lock to write the metadata caches.");
            }
            case FLUSH -> {
                co.lockReturned(cx);
                try {
                    node.driver().flushToOs(co.id());
                } catch (dev.blockstep.engine.qcow2.Qcow2Error e) {
                    // bdrv_co_flush's exit path: the next queued flush may run; the request then fails
                    node.flush().setActiveFlush(cx, false);
                    node.flush().flushQueue(cx).restartNext(cx);
                    p = P.FINISHED;
                    throw e;
                }
                cx.name("qcow2_co_flush_to_os").narrate(n + " writes the L2 and refcount caches to the file, "
                        + "holding s->lock.");
                p = P.UNLOCK_SYNC;
                return Outcome.YIELD;
            }
            case UNLOCK_SYNC -> {
                co.unlock(cx);
                cx.name("bdrv_co_flush (file)").narrate(n + " releases s->lock and flushes the host file.");
                file = new FileFlush(co, node);
                return fileFlushed(file.look(cx));
            }
            case FILE -> {
                if (!file.syncing()) {
                    return fileFlushed(file.step(cx));
                }
                file.step(cx);
                // the file's flush and the node's flush end in one run: what each wakes runs after this one yields
                end(cx);
                return Outcome.CONTINUE;
            }
            case SYNC_DONE -> {
                cx.name("thread_pool_complete");
                end(cx);
                return Outcome.CONTINUE;
            }
            default -> throw new IllegalStateException(n + " stepped a finished flush");
        }
    }

    /** The file flush went as far as it could without a yield: it finished (the node's flush ends next) or waits. */
    private Outcome fileFlushed(Outcome o) {
        if (file.finished()) {
            // a finished file flush keeps the write_gen it read; the state digest must not tell states apart by it
            file = null;
            p = P.SYNC_DONE;
        } else {
            p = P.FILE;
        }
        return o;
    }

    /** bdrv_co_flush's out: clear active_flush_req and wake the next flush_queue waiter. */
    private void end(StepContext cx) {
        node.flush().setActiveFlush(cx, false);
        node.flush().flushQueue(cx).restartNext(cx);
        cx.narrate(co.name() + "'s flush completes.");
        p = P.FINISHED;
        file = null;
    }
}
