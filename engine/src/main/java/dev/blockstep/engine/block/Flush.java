package dev.blockstep.engine.block;

import dev.blockstep.engine.coroutine.Outcome;
import dev.blockstep.engine.coroutine.StepContext;
import dev.blockstep.engine.qcow2.CacheIo;
import dev.blockstep.engine.snapshot.CoState;
import java.util.List;

/**
 * bdrv_co_flush on the qcow2 node: flushes are serialised per node (active_flush_req and flush_queue), then
 * qcow2_co_flush_to_os writes the caches under s->lock, then, with the lock released, the file child is flushed
 * (bdrv_co_flush on the file node, {@link FileFlush}), and the flush ends: the flag is cleared and the next waiter
 * woken, in the same run as the file flush's end.
 *
 * <p>qcow2_co_flush_to_os yields once for each dirty cache entry it writes (and in each file flush a cache
 * dependency makes first), in qemu's order ({@link CacheIo}); with both caches clean it does not yield at all, and
 * the lock is released in the same run that took it.
 */
final class Flush {
    private enum P { BEGIN, LOCK, FLUSH, CACHE_IO, FILE, SYNC_DONE, FINISHED }

    /** The step in which one of qcow2_co_flush_to_os's entry writes completes. */
    static final String ENTRY_WRITTEN = "qcow2_cache_entry_flush";

    private final RequestCoroutine co;
    private final BlockNode node;
    private P p = P.BEGIN;
    private FileFlush file;
    /** qcow2_co_flush_to_os's I/O, made one op at a time; {@code next} is the op after the one running. */
    private List<CacheIo> io;
    private int next;
    /** The file flush of {@link #io} running, or null while an entry write is. */
    private FileFlush cacheFile;

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
            case CACHE_IO -> cacheFile == null ? ENTRY_WRITTEN
                    : cacheFile.syncing() ? FileFlush.SYNCED : FileFlush.LOOK;
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
                    io = node.driver().flushToOs(co.id());
                } catch (dev.blockstep.engine.qcow2.Qcow2Error e) {
                    // bdrv_co_flush's exit path: the next queued flush may run; the request then fails
                    node.flush().setActiveFlush(cx, false);
                    node.flush().flushQueue(cx).restartNext(cx);
                    p = P.FINISHED;
                    throw e;
                }
                cx.name("qcow2_co_flush_to_os");
                if (io.isEmpty()) {
                    // qcow2_write_caches finds no dirty entry: the lock goes back in the run that took it
                    return unlockSync(cx, "qcow2_co_flush_to_os");
                }
                next = 0;
                return cacheIo(cx);
            }
            case CACHE_IO -> {
                if (cacheFile == null) {
                    cx.name(ENTRY_WRITTEN);
                } else {
                    Outcome o = cacheFile.step(cx);
                    if (!cacheFile.finished()) {
                        return o;
                    }
                    cacheFile = null;
                }
                return cacheIo(cx);
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

    /**
     * The cache I/O from {@code next} on, until an op yields: an entry write always does (its completion is the
     * next step), a file flush when it waits or syncs. Once all is done, s->lock is released in the same run.
     */
    private Outcome cacheIo(StepContext cx) {
        while (next < io.size()) {
            CacheIo op = io.get(next++);
            if (op instanceof CacheIo.EntryWrite w) {
                cx.narrate(co.name() + " writes the dirty " + (w.l2Cache() ? "L2 table" : "refcount block") + " at 0x"
                        + Long.toHexString(w.offset()) + " (cache entry " + w.index() + ") to the file, holding s->lock.");
                p = P.CACHE_IO;
                return Outcome.YIELD;
            }
            cacheFile = new FileFlush(co, node, ((CacheIo.FileFlush) op).writeGen());
            Outcome o = cacheFile.look(cx);
            if (!cacheFile.finished()) {
                p = P.CACHE_IO;
                return o;
            }
            cacheFile = null;
        }
        io = null;
        return unlockSync(cx, "bdrv_co_flush (file)");
    }

    /** The end of qcow2_co_flush_to_os: s->lock released, then bdrv_co_flush on the file child, in one run. */
    private Outcome unlockSync(StepContext cx, String stepName) {
        co.unlock(cx);
        cx.name(stepName).narrate(co.name() + " releases s->lock and flushes the host file.");
        file = new FileFlush(co, node);
        return fileFlushed(file.look(cx));
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
