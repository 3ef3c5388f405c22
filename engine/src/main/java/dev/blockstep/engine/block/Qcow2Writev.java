package dev.blockstep.engine.block;

import dev.blockstep.engine.coroutine.Outcome;
import dev.blockstep.engine.coroutine.StepContext;
import dev.blockstep.engine.qcow2.AllocResult;
import dev.blockstep.engine.qcow2.L2Meta;
import dev.blockstep.engine.qcow2.Qcow2Driver;
import dev.blockstep.engine.snapshot.CoState;
import java.util.ArrayList;
import java.util.List;

/**
 * qcow2_co_pwritev_part with its inline task, one phase per step. Chunks run one after another: qemu would
 * run the chunks of a split request as parallel pool tasks, which this engine does not model.
 */
final class Qcow2Writev {
    private enum P { START_PART, ALLOC, DEP_RELOCK, DATA_SUBMIT, SPACE_LOCK, SPACE_STATUS, SPACE_UNLOCK, ZERO_FILL,
        ZERO_FILL_DONE, DATA_WRITE, DATA_DONE, META_LOCK, LINK, COW_DONE, COW_RELOCK, LINK_AFTER_COW, DONE_PART,
        DONE_REQ_LOCK, DONE_REQ, FINISHED }

    private final RequestCoroutine co;
    private final BlockNode node;
    private final long offset;
    private final long bytes;
    /** Every guest byte of this write has this value (qemu-io writes a pattern, or zeros for a fallback). */
    private final byte pattern;
    /** The guest bytes of [offset, offset+bytes) when they are not one pattern (a copy-on-read's bounce buffer). */
    private final byte[] data;
    private P p;
    private long pos;
    private long curHost = -1;
    private long curBytes;
    /** This chunk's allocations not yet linked, newest first: qemu's l2meta chain, walked from its head. */
    private final List<L2Meta> pending = new ArrayList<>();
    private L2Meta merged;
    /** handle_alloc_space: the allocation it looks at, and the block-status queries of is_zero_cow still to ask. */
    private int spaceMeta;
    private final BlockStatusQueries spaceQueries;
    /** Linked, but not yet off cluster_allocs: qemu retires it only after the link's yielding cache I/O. */
    private L2Meta linked;

    Qcow2Writev(RequestCoroutine co, BlockNode node, long offset, long bytes, int pattern) {
        this(co, node, offset, bytes, pattern, null);
    }

    /** A write of {@code data} (its length is {@code bytes}). */
    Qcow2Writev(RequestCoroutine co, BlockNode node, long offset, byte[] data) {
        this(co, node, offset, data.length, 0, data);
    }

    private Qcow2Writev(RequestCoroutine co, BlockNode node, long offset, long bytes, int pattern, byte[] data) {
        this.co = co;
        this.node = node;
        this.offset = offset;
        this.bytes = bytes;
        this.pattern = (byte) pattern;
        this.spaceQueries = new BlockStatusQueries(co, node);
        this.data = data;
        // A zero-length write skips qemu's chunk loop but still takes the lock for its final l2meta handling.
        this.p = bytes == 0 ? P.DONE_REQ_LOCK : P.START_PART;
    }

    boolean finished() {
        return p == P.FINISHED;
    }

    String phase() {
        return switch (p) {
            case START_PART -> pos == 0 ? "qcow2_writev_start_req" : "qcow2_writev_start_part";
            case ALLOC -> "qcow2_alloc_clusters_offset";
            case DEP_RELOCK -> "qemu_co_mutex_lock (after dependency)";
            case DATA_SUBMIT, DATA_WRITE -> "qcow2_writev_data";
            case SPACE_LOCK -> "qemu_co_mutex_lock";
            case SPACE_STATUS -> BlockStatusQueries.BLOCK_STATUS;
            case SPACE_UNLOCK -> "qemu_co_mutex_unlock";
            case ZERO_FILL -> "bdrv_co_pwrite_zeroes";
            case ZERO_FILL_DONE -> "qcow2_skip_cow";
            case DATA_DONE, COW_DONE -> "thread_pool_complete";
            case META_LOCK, COW_RELOCK -> "qemu_co_mutex_lock";
            case LINK -> "qcow2_cluster_link_l2";
            case LINK_AFTER_COW -> "qcow2_alloc_cluster_link_l2";
            case DONE_PART -> "qcow2_writev_done_part";
            case DONE_REQ_LOCK, DONE_REQ -> "qcow2_writev_done_req";
            case FINISHED -> "done";
        };
    }

    /** True while the coroutine holds an allocation decision with s->lock dropped. */
    boolean lockDroppedWithDecision() {
        return !pending.isEmpty() && switch (p) {
            case SPACE_LOCK, SPACE_STATUS, SPACE_UNLOCK, ZERO_FILL, ZERO_FILL_DONE, DATA_WRITE, DATA_DONE, META_LOCK,
                 COW_DONE, COW_RELOCK -> true;
            default -> false;
        };
    }

    Outcome step(StepContext cx) {
        String n = co.name();
        int id = co.id();
        switch (p) {
            case START_PART -> {
                cx.name(pos == 0 ? "qcow2_writev_start_req" : "qcow2_writev_start_part").guest(offset + pos, bytes - pos);
                p = P.ALLOC;
                if (!co.lock(cx)) {
                    cx.name("qemu_co_mutex_lock_entry").narrate(n + " wants s->lock for its allocation, but "
                            + "another coroutine holds it, so " + n + " queues and sleeps.");
                    return co.lockBlocked();
                }
                cx.narrate(n + " starts the qcow2 write of guest " + hex(offset + pos) + " and takes s->lock.");
                return Outcome.CONTINUE;
            }
            case ALLOC -> {
                co.lockReturned(cx);
                cx.guest(offset + pos, bytes - pos);
                AllocResult a = node.driver().clusters().allocHostOffset(id, offset + pos, bytes - pos);
                if (a instanceof AllocResult.MustWait w) {
                    L2Meta dep = w.dependency();
                    dep.addDependent(id);
                    co.unlock(cx);
                    p = P.DEP_RELOCK;
                    String owner = cx.scheduler().coroutine(dep.coroutine).name();
                    cx.name("handle_dependencies").narrate(n + " finds that " + owner + " is still allocating an "
                            + "overlapping cluster, drops s->lock and waits for it.");
                    return Outcome.blocked(CoState.WAITING_DEPENDENCY, "in-flight allocation of " + owner
                            + " at guest " + hex(dep.offset));
                }
                AllocResult.Allocated c = (AllocResult.Allocated) a;
                curHost = c.hostOffset();
                curBytes = c.bytes();
                pending.clear();
                pending.addAll(c.metas());
                node.driver().preWriteOverlapCheck(id, curHost, curBytes);
                cx.host(curHost, curBytes);
                boolean reuse = !c.metas().isEmpty() && c.metas().get(0).keepOld || c.metas().isEmpty();
                cx.name(reuse ? "qcow2_handle_copied" : "qcow2_handle_alloc").narrate(reuse
                        ? n + " decides to write guest " + hex(offset + pos) + " in place at host " + hex(curHost)
                        + (c.metas().isEmpty() ? "." : " and to relink the L2 entry afterwards.")
                        : n + " allocates host " + hex(curHost) + " for guest " + hex(offset + pos) + ".");
                p = P.DATA_SUBMIT;
                return Outcome.YIELD;
            }
            case DEP_RELOCK -> {
                cx.name("qemu_co_mutex_lock").guest(offset + pos, bytes - pos);
                p = P.ALLOC;
                return co.lockOrQueue(cx, n + " was woken from its dependency wait and queues for s->lock to "
                        + "retry its allocation.", n + " retakes s->lock to retry its allocation from scratch.");
            }
            case DATA_SUBMIT -> {
                co.unlock(cx);
                cx.event(new dev.blockstep.engine.event.EngineEvent.LockDroppedForDataIo(id, curHost, curBytes));
                cx.guest(offset + pos, curBytes).host(curHost, curBytes);
                spaceMeta = 0;
                if (nextSpaceQueries()) {
                    // qcow2_add_task runs the task inline, and handle_alloc_space's block status takes s->lock
                    // before anything yields
                    cx.name("qcow2_add_task").narrate(n + " drops s->lock; before its data write, handle_alloc_space "
                            + "asks whether the parts of the cluster it does not write read as zero.");
                    p = P.SPACE_LOCK;
                    return Outcome.CONTINUE;
                }
                return submitData(cx);
            }
            case SPACE_LOCK -> {
                Qcow2Driver.GuestRange q = spaceQueries.next();
                p = P.SPACE_STATUS;
                String why = n + " asks block status about guest " + hex(q.offset()) + " (is_zero_cow)";
                return spaceQueries.lock(cx, why + " and queues for s->lock.", why + ", which takes s->lock.");
            }
            case SPACE_STATUS -> {
                p = P.SPACE_UNLOCK;
                return spaceQueries.status(cx);
            }
            case SPACE_UNLOCK -> {
                boolean spaceZero = spaceQueries.unlock(cx);
                if (spaceZero && spaceQueries.pending()) {
                    cx.narrate(n + " releases s->lock.");
                    p = P.SPACE_LOCK;
                } else if (spaceZero) {
                    cx.narrate(n + " releases s->lock; what it does not write reads as zero, so it zeroes the new "
                            + "cluster on the file instead of copying.");
                    p = P.ZERO_FILL;
                } else {
                    cx.narrate(n + " releases s->lock; the cluster's other bytes must be copied (COW).");
                    spaceMeta++;
                    p = nextSpaceQueries() ? P.SPACE_LOCK : P.DATA_WRITE;
                }
                return Outcome.CONTINUE;
            }
            case ZERO_FILL -> {
                L2Meta m = pending.get(spaceMeta);
                cx.name("bdrv_co_pwrite_zeroes").host(m.allocOffset, (long) m.nbClusters
                        * node.driver().clusterSize()).narrate(n + " submits the zeroing of host "
                        + hex(m.allocOffset) + " to the file, without s->lock.");
                p = P.ZERO_FILL_DONE;
                return Outcome.IN_DATA_IO;
            }
            case ZERO_FILL_DONE -> {
                L2Meta m = pending.get(spaceMeta);
                node.driver().zeroFillCow(id, m);
                cx.name("qcow2_skip_cow").host(m.allocOffset, (long) m.nbClusters * node.driver().clusterSize())
                        .narrate(n + "'s zeroing completes; the cluster needs no copy-on-write.");
                spaceMeta++;
                p = nextSpaceQueries() ? P.SPACE_LOCK : P.DATA_WRITE;
                return Outcome.CONTINUE;
            }
            case DATA_WRITE -> {
                return submitData(cx);
            }
            case DATA_DONE -> {
                if (data != null) {
                    node.driver().writeData(id, curHost, data, (int) pos, (int) curBytes);
                } else {
                    node.driver().writeData(id, curHost, pattern, curBytes);
                }
                cx.name("thread_pool_complete").guest(offset + pos, curBytes).host(curHost, curBytes)
                        .narrate(n + "'s data write completes: the bytes are now at host " + hex(curHost) + ".");
                p = P.META_LOCK;
                return Outcome.CONTINUE;
            }
            case META_LOCK, COW_RELOCK -> {
                boolean cow = p == P.COW_RELOCK;
                p = cow ? P.LINK_AFTER_COW : P.LINK;
                cx.name("qemu_co_mutex_lock").guest(offset + pos, curBytes);
                if (!co.lock(cx)) {
                    cx.name("qemu_co_mutex_lock_entry").narrate(n + " wants s->lock back to update the L2 table, "
                            + "but it is held, so " + n + " queues.");
                    return co.lockBlocked();
                }
                cx.narrate(n + " retakes s->lock to update the L2 table.");
                return Outcome.CONTINUE;
            }
            case LINK -> {
                co.lockReturned(cx);
                cx.guest(offset + pos, curBytes).host(curHost, curBytes);
                if (pending.isEmpty()) {
                    cx.name("qcow2_handle_l2meta").narrate(n + " overwrote in place: there is no L2 entry to link.");
                    p = P.DONE_PART;
                    return Outcome.CONTINUE;
                }
                if (node.driver().clusters().needsCow(pending.get(0))) {
                    co.unlock(cx);
                    cx.name("qcow2_cluster_link_l2").narrate(n + " must first copy the untouched parts of the "
                            + "cluster; perform_cow drops s->lock for that I/O.");
                    p = P.COW_DONE;
                    return Outcome.IN_DATA_IO;
                }
                return link(cx, "qcow2_cluster_link_l2");
            }
            case COW_DONE -> {
                L2Meta m = pending.get(0);
                if (m == merged && data != null) {
                    node.driver().clusters().performCowIo(id, m, data, (int) pos, (int) curBytes);
                } else if (m == merged) {
                    node.driver().clusters().performCowIo(id, m, pattern, curBytes);
                } else {
                    node.driver().clusters().performCowIo(id, m, null, 0, 0);
                }
                cx.name("thread_pool_complete").host(m.allocOffset, (long) m.nbClusters * node.driver().clusterSize())
                        .narrate(n + "'s copy-on-write I/O completes.");
                p = P.COW_RELOCK;
                return Outcome.CONTINUE;
            }
            case LINK_AFTER_COW -> {
                co.lockReturned(cx);
                cx.guest(offset + pos, curBytes).host(curHost, curBytes);
                return link(cx, "qcow2_alloc_cluster_link_l2");
            }
            case DONE_PART -> {
                retireLinked(cx);
                co.unlock(cx);
                cx.name("qcow2_writev_done_part").guest(offset + pos, curBytes)
                        .narrate(n + " releases s->lock; this part of the write is done.");
                pos += curBytes;
                merged = null;
                p = pos < bytes ? P.START_PART : P.DONE_REQ_LOCK;
                return Outcome.CONTINUE;
            }
            case DONE_REQ_LOCK -> {
                cx.name("qcow2_writev_done_req").guest(offset, bytes);
                if (!co.lock(cx)) {
                    p = P.DONE_REQ;
                    cx.name("qemu_co_mutex_lock_entry").narrate(n + " queues for s->lock to finish the request.");
                    return co.lockBlocked();
                }
                co.unlock(cx);
                cx.narrate(n + " finishes its qcow2 write.");
                p = P.FINISHED;
                return Outcome.CONTINUE;
            }
            case DONE_REQ -> {
                co.lockReturned(cx);
                co.unlock(cx);
                cx.name("qcow2_writev_done_req").guest(offset, bytes).narrate(n + " finishes its qcow2 write.");
                p = P.FINISHED;
                return Outcome.CONTINUE;
            }
            default -> throw new IllegalStateException(n + " stepped a finished write");
        }
    }

    /** merge_cow, then the guest data write unless the COW write carries it. */
    private Outcome submitData(StepContext cx) {
        String n = co.name();
        cx.guest(offset + pos, curBytes).host(curHost, curBytes);
        merged = node.driver().mergeCow(pending, offset + pos, curBytes);
        if (merged != null) {
            cx.name("qcow2_add_task").narrate(n + " drops s->lock; its data will go out together with the "
                    + "copy-on-write of the cluster.");
            p = P.META_LOCK;
            return Outcome.YIELD;
        }
        cx.name("qcow2_writev_data").narrate(n + " drops s->lock and submits its data write to host "
                + hex(curHost) + "; other requests may now change the metadata.");
        p = P.DATA_DONE;
        return Outcome.IN_DATA_IO;
    }

    /** Moves {@link #spaceMeta} to the next allocation with a COW region; false when none is left. */
    private boolean nextSpaceQueries() {
        for (; spaceMeta < pending.size(); spaceMeta++) {
            spaceQueries.start(node.driver().cowZeroQueries(pending.get(spaceMeta)));
            if (spaceQueries.pending()) {
                return true;
            }
        }
        return false;
    }

    /** qcow2_handle_l2meta(link=false): frees this chunk's unlinked allocations and wakes their dependents. */
    void abort(StepContext cx) {
        retireLinked(cx);
        while (!pending.isEmpty()) {
            for (int w : node.driver().abortL2Meta(co.id(), pending.remove(0))) {
                cx.scheduler().wake(cx.scheduler().coroutine(w));
            }
        }
    }

    /** Links the oldest pending allocation (after retiring the one linked before); stays in LINK while more remain. */
    private Outcome link(StepContext cx, String stepName) {
        retireLinked(cx);
        L2Meta m = pending.remove(0);
        node.driver().clusters().linkL2Entries(co.id(), m);
        linked = m;
        cx.name(stepName).narrate(co.name() + " writes the L2 entry for guest " + hex(m.offset)
                + " to point at host " + hex(m.allocOffset) + ", whatever the entry says now.");
        p = pending.isEmpty() ? P.DONE_PART : P.LINK;
        return Outcome.YIELD;
    }

    /**
     * Takes the allocation linked in the previous step off cluster_allocs and wakes its dependents. qemu's
     * qcow2_handle_l2meta does this right after the link returns, without a yield, so the woken writers run only
     * at this coroutine's next yield.
     */
    private void retireLinked(StepContext cx) {
        if (linked == null) {
            return;
        }
        for (int w : node.driver().retire(co.id(), linked)) {
            cx.scheduler().wake(cx.scheduler().coroutine(w));
        }
        linked = null;
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
