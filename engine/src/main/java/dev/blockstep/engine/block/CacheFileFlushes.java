package dev.blockstep.engine.block;

import dev.blockstep.engine.coroutine.Outcome;
import dev.blockstep.engine.coroutine.StepContext;
import dev.blockstep.engine.snapshot.WriteGeneration;

/**
 * The bdrv_flush(bs->file) calls that qcow2's metadata cache made during a request's lock-held step, made one
 * after another as file-node flushes ({@link FileFlush}) before the request goes on, with s->lock still held.
 * qemu makes them in the middle of the cache operation; the engine's driver runs the operation whole, so they follow
 * it, which changes nothing another coroutine can see: s->lock is held throughout.
 */
final class CacheFileFlushes {
    private final RequestCoroutine co;
    private final BlockNode node;
    @WriteGeneration
    private long[] gens;
    private int next;
    private FileFlush current;
    private Outcome after;

    CacheFileFlushes(RequestCoroutine co, BlockNode node) {
        this.co = co;
        this.node = node;
    }

    boolean pending() {
        return current != null;
    }

    /**
     * The step that made the file flushes {@code gens} (the write_gen each read on entry) ended with {@code then}:
     * the first flush looks at the file's active_flush_req in the same step. Returns what the step ends with:
     * {@code then} once every flush finished without a yield.
     */
    Outcome start(StepContext cx, long[] gens, Outcome then) {
        if (gens.length == 0) {
            return then;
        }
        this.gens = gens;
        next = 1;
        after = then;
        current = new FileFlush(co, node, gens[0]);
        return next(cx, current.look(cx));
    }

    /**
     * A step of the flush running: a look again after a wake, or the fdatasync's completion. The wait or the sync
     * was the yield; once the last flush is done, the request goes on in the same run.
     */
    Outcome step(StepContext cx) {
        after = Outcome.CONTINUE;
        return next(cx, current.step(cx));
    }

    private Outcome next(StepContext cx, Outcome o) {
        while (current.finished()) {
            if (next == gens.length) {
                // nothing of the finished flushes may stay behind: the state digest would tell states apart by it
                Outcome then = after;
                current = null;
                gens = null;
                after = null;
                next = 0;
                return then;
            }
            current = new FileFlush(co, node, gens[next++]);
            o = current.look(cx);
        }
        return o;
    }
}
