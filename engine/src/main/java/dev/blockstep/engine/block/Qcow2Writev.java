package dev.blockstep.engine.block;

import dev.blockstep.engine.coroutine.Outcome;
import dev.blockstep.engine.coroutine.StepContext;
import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.snapshot.CoState;

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
    private final byte[] data;
    private P p = P.START_PART;
    private long pos;
    private long curHost = -1;
    private long curBytes;
    private DriverOps.L2Meta meta;

    Qcow2Writev(RequestCoroutine co, BlockNode node, long offset, long bytes, byte[] data) {
        this.co = co;
        this.node = node;
        this.offset = offset;
        this.bytes = bytes;
        this.data = data;
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
        return meta != null && (p == P.DATA_DONE || p == P.META_LOCK || p == P.COW_DONE || p == P.COW_RELOCK);
    }

    Outcome step(StepContext cx) {
        var ev = co.sink(cx);
        String n = co.name();
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
                DriverOps.Alloc a = node.driver().allocHostOffset(offset + pos, bytes - pos, ev);
                if (a instanceof DriverOps.Alloc.MustWait w) {
                    var owner = node.metaOwner(w.on());
                    node.dependents(w.on()).queueWait(cx);
                    cx.event(new EngineEvent.DependencyWait(co.id(), owner.id()));
                    co.unlock(cx);
                    p = P.DEP_RELOCK;
                    cx.name("handle_dependencies").narrate(n + " finds that " + owner.name()
                            + " is still allocating an overlapping cluster, drops s->lock and waits for it.");
                    return Outcome.blocked(CoState.WAITING_DEPENDENCY, "in-flight allocation of " + owner.name()
                            + " at guest " + hex(w.on().guestOffset()));
                }
                DriverOps.Alloc.Chunk c = (DriverOps.Alloc.Chunk) a;
                curHost = c.hostOffset();
                curBytes = c.bytes();
                meta = c.meta();
                if (meta != null) {
                    node.registerMeta(meta, co);
                }
                cx.host(curHost, curBytes);
                cx.event(new EngineEvent.HostOffsetChosen(co.id(), offset + pos, curHost, curBytes, c.inPlace(),
                        meta != null && meta.keepOld()));
                cx.name(c.inPlace() ? "qcow2_handle_copied" : "qcow2_handle_alloc").narrate(c.inPlace()
                        ? n + " decides to write guest " + hex(offset + pos) + " in place at host " + hex(curHost)
                        + (meta != null ? " and will relink the L2 entry afterwards." : ".")
                        : n + " allocates host " + hex(curHost) + " for guest " + hex(offset + pos) + ".");
                p = P.DATA_SUBMIT;
                return Outcome.YIELD;
            }
            case DEP_RELOCK -> {
                cx.name("qemu_co_mutex_lock").guest(offset + pos, bytes - pos);
                p = P.ALLOC;
                if (!co.lock(cx)) {
                    cx.name("qemu_co_mutex_lock_entry").narrate(n + " was woken from its dependency wait and "
                            + "queues for s->lock to retry its allocation.");
                    return co.lockBlocked();
                }
                cx.narrate(n + " retakes s->lock to retry its allocation from scratch.");
                return Outcome.CONTINUE;
            }
            case DATA_SUBMIT -> {
                co.unlock(cx);
                cx.event(new EngineEvent.LockDroppedForDataIo(co.id(), curHost, curBytes));
                cx.event(new EngineEvent.DataIoSubmitted(co.id(), curHost, curBytes));
                cx.name("qcow2_writev_data").guest(offset + pos, curBytes).host(curHost, curBytes)
                        .narrate(n + " drops s->lock and submits its data write to host " + hex(curHost)
                                + "; other requests may now change the metadata.");
                p = P.DATA_DONE;
                return Outcome.IN_DATA_IO;
            }
            case DATA_DONE -> {
                node.driver().writeData(curHost, data, (int) pos, (int) curBytes, ev);
                cx.event(new EngineEvent.DataIoCompleted(co.id(), curHost, curBytes));
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
                if (meta == null) {
                    cx.name("qcow2_handle_l2meta").narrate(n + " overwrote in place: there is no L2 entry to link.");
                    p = P.DONE_PART;
                    return Outcome.CONTINUE;
                }
                if (node.driver().needsCow(meta)) {
                    co.unlock(cx);
                    cx.name("qcow2_cluster_link_l2").narrate(n + " must copy the untouched parts of the cluster "
                            + "first; perform_cow drops s->lock for that I/O.");
                    p = P.COW_DONE;
                    return Outcome.IN_DATA_IO;
                }
                return link(cx, "qcow2_cluster_link_l2");
            }
            case COW_DONE -> {
                node.driver().performCow(meta, ev);
                cx.name("thread_pool_complete").host(curHost, curBytes)
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
                meta = null;
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

    private Outcome link(StepContext cx, String stepName) {
        node.driver().linkL2(meta, co.sink(cx));
        node.metaDone(cx, meta);
        cx.name(stepName).narrate(co.name() + " writes the L2 entry for guest " + hex(meta.guestOffset())
                + " to point at host " + hex(meta.hostOffset()) + ", whatever it says now.");
        p = P.DONE_PART;
        return Outcome.YIELD;
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
