package dev.blockstep.engine.block;

import dev.blockstep.engine.coroutine.Outcome;
import dev.blockstep.engine.coroutine.StepContext;
import dev.blockstep.engine.qcow2.AllocResult;
import dev.blockstep.engine.qcow2.L2Meta;
import dev.blockstep.engine.snapshot.CoState;
import java.util.ArrayList;
import java.util.List;

/**
 * qcow2_co_pwritev_part with its inline task, one phase per step. Chunks run one after another: qemu would
 * run the chunks of a split request as parallel pool tasks, which this engine does not model.
 */
final class Qcow2Writev {
    private enum P { START_PART, ALLOC, DEP_RELOCK, DATA_SUBMIT, DATA_DONE, META_LOCK, LINK, COW_DONE, COW_RELOCK,
        LINK_AFTER_COW, DONE_PART, DONE_REQ_LOCK, DONE_REQ, FINISHED }

    private final RequestCoroutine co;
    private final BlockNode node;
    private final long offset;
    private final long bytes;
    /** Every guest byte of this write has this value (qemu-io writes a pattern, or zeros for a fallback). */
    private final byte pattern;
    private P p;
    private long pos;
    private long curHost = -1;
    private long curBytes;
    /** This chunk's allocations not yet linked, newest first: qemu's l2meta chain, walked from its head. */
    private final List<L2Meta> pending = new ArrayList<>();
    private L2Meta merged;

    Qcow2Writev(RequestCoroutine co, BlockNode node, long offset, long bytes, int pattern) {
        this.co = co;
        this.node = node;
        this.offset = offset;
        this.bytes = bytes;
        this.pattern = (byte) pattern;
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
            case DATA_SUBMIT -> "qcow2_writev_data";
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
        return !pending.isEmpty() && (p == P.DATA_DONE || p == P.META_LOCK || p == P.COW_DONE || p == P.COW_RELOCK);
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
                AllocResult a = node.driver().allocHostOffset(id, offset + pos, bytes - pos);
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
                node.driver().handleAllocSpace(id, pending);
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
            case DATA_DONE -> {
                node.driver().writeData(id, curHost, chunkData(), 0, (int) curBytes);
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
                if (node.driver().needsCow(pending.get(0))) {
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
                node.driver().performCowIo(id, m, m == merged ? chunkData() : null, 0, (int) curBytes);
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

    /** qcow2_handle_l2meta(link=false): frees this chunk's unlinked allocations and wakes their dependents. */
    void abort(StepContext cx) {
        while (!pending.isEmpty()) {
            for (int w : node.driver().abortL2Meta(co.id(), pending.remove(0))) {
                cx.scheduler().wake(cx.scheduler().coroutine(w));
            }
        }
    }

    /** Links the oldest pending allocation and wakes its dependents; stays in LINK while more remain. */
    private Outcome link(StepContext cx, String stepName) {
        L2Meta m = pending.remove(0);
        List<Integer> wake = node.driver().linkL2(co.id(), m);
        for (int w : wake) {
            cx.scheduler().wake(cx.scheduler().coroutine(w));
        }
        cx.name(stepName).narrate(co.name() + " writes the L2 entry for guest " + hex(m.offset)
                + " to point at host " + hex(m.allocOffset) + ", whatever the entry says now.");
        p = pending.isEmpty() ? P.DONE_PART : P.LINK;
        return Outcome.YIELD;
    }

    /** The current chunk's data (its first curBytes bytes): a shared read-only buffer of the pattern. */
    private byte[] chunkData() {
        return PatternBytes.of(pattern, (int) curBytes);
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
