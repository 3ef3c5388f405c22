package dev.blockstep.engine.block;

import dev.blockstep.engine.coroutine.Outcome;
import dev.blockstep.engine.coroutine.StepContext;

/**
 * bdrv_co_pdiscard (qemu-io {@code discard}, synchronous). Only the cluster-aligned middle reaches qcow2: the
 * driver answers -ENOTSUP for partial clusters, which the block layer ignores. No FUA flush. With the fix on
 * at its start, it is serialising.
 */
public final class DiscardRequest extends RequestCoroutine {
    private enum P { BEGIN, PREPARE, LOCK, DISCARD, UNLOCK, END, DONE }

    private P p = P.BEGIN;
    private final long alignedStart;
    private final long alignedEnd;

    public DiscardRequest(int id, String name, BlockNode node, String request, long offset, long bytes) {
        super(id, name, node, request, offset, bytes, RequestFlags.NONE);
        long cs = node.driver().clusterSize();
        long end = offset + bytes;
        this.alignedStart = (offset + cs - 1) / cs * cs;
        long e = end / cs * cs;
        // A last partial cluster at the end of the image is discarded whole.
        this.alignedEnd = end == node.driver().virtualSize() ? end : e;
    }

    @Override
    public String phase() {
        return switch (p) {
            case BEGIN -> "bdrv_co_pdiscard";
            case PREPARE -> "bdrv_co_write_req_prepare";
            case LOCK -> "qcow2_co_pdiscard";
            case DISCARD -> "qcow2_cluster_discard";
            case UNLOCK -> "qemu_co_mutex_unlock";
            case END -> "tracked_request_end";
            case DONE -> "done";
        };
    }

    @Override
    protected Outcome run(StepContext cx) {
        String n = name();
        switch (p) {
            case BEGIN -> {
                beginTracked(cx, TrackedRequestType.DISCARD, true);
                cx.name("bdrv_co_pdiscard").guest(offset, bytes).narrate(n + " enters the block layer as a discard "
                        + "and registers tracked request #" + tracked.id()
                        + (serialisingRequested ? "; the fix marks it serialising." : "."));
                p = P.PREPARE;
                return Outcome.CONTINUE;
            }
            case PREPARE -> {
                cx.name("bdrv_co_write_req_prepare").guest(offset, bytes);
                Outcome w = prepareWait(cx);
                if (w != null) {
                    cx.narrate(n + " overlaps request #" + tracked.waitingFor().id() + " of "
                            + tracked.waitingFor().owner().name() + " and waits for it to end.");
                    return w;
                }
                cx.narrate(n + " waits for nobody and goes on to the driver.");
                p = alignedEnd > alignedStart ? P.LOCK : P.END;
                return Outcome.CONTINUE;
            }
            case LOCK -> {
                cx.name("qcow2_co_pdiscard").guest(alignedStart, alignedEnd - alignedStart);
                p = P.DISCARD;
                if (!lock(cx)) {
                    cx.name("qemu_co_mutex_lock_entry").narrate(n + " queues for s->lock.");
                    return lockBlocked();
                }
                cx.narrate(n + " takes s->lock to discard guest " + hex(alignedStart) + ".");
                return Outcome.CONTINUE;
            }
            case DISCARD -> {
                lockReturned(cx);
                node.driver().discard(alignedStart, alignedEnd - alignedStart, sink(cx));
                cx.name("qcow2_cluster_discard").guest(alignedStart, alignedEnd - alignedStart)
                        .narrate(n + " marks the clusters as zero, frees their host clusters and punches them, "
                                + "holding s->lock.");
                p = P.UNLOCK;
                return Outcome.YIELD;
            }
            case UNLOCK -> {
                unlock(cx);
                cx.name("qemu_co_mutex_unlock").narrate(n + " releases s->lock.");
                p = P.END;
                return Outcome.CONTINUE;
            }
            case END -> {
                cx.name("tracked_request_end").guest(offset, bytes)
                        .narrate(n + " ends tracked request #" + tracked.id() + " and completes.");
                p = P.DONE;
                node.stdout("discard " + bytes + "/" + bytes + " bytes at offset " + offset);
                return finish(cx, "0");
            }
            default -> throw new IllegalStateException(n + " is done");
        }
    }
}
