package dev.blockstep.engine.block;

import dev.blockstep.engine.coroutine.Outcome;
import dev.blockstep.engine.coroutine.StepContext;
import dev.blockstep.engine.fix.FixVariant;

/**
 * bdrv_co_pdiscard (qemu-io {@code discard}, synchronous; the NBD server's TRIM). On a node without BDRV_O_UNMAP
 * ({@code discard=ignore}) it returns 0 at once. Otherwise only the cluster-aligned middle reaches qcow2: the
 * driver answers -ENOTSUP for partial clusters, which the block layer ignores. It is serialising when its fix
 * variant gates bdrv_co_pdiscard ({@link FixVariant#serialisesDiscard()}). The freed host clusters are punched
 * after the L2 update, one step per queued range with s->lock held, as for write-zeroes.
 *
 * <p>bdrv_co_pdiscard knows no FUA. The NBD server's TRIM with NBD_CMD_FLAG_FUA calls blk_co_flush in the same
 * coroutine once the discard has returned, whether or not anything was discarded; {@link RequestFlags#FUA} on this
 * request stands for that flush, after the tracked request has ended.
 */
public final class DiscardRequest extends RequestCoroutine {
    private enum P { BEGIN, PREPARE, LOCK, DISCARD, PUNCH, UNLOCK, END, FLUSH, DONE }

    private P p = P.BEGIN;
    private long pos;
    private long pieceLen;
    private Flush flush;
    /** A filter above the node (mirror_top) has no BDRV_O_UNMAP: bdrv_co_pdiscard stops there. */
    /** The filter above the node that drops this discard, or null. */
    private FilterNode droppedByFilter;

    public DiscardRequest(int id, String name, BlockNode node, String request, long offset, long bytes) {
        this(id, name, node, request, offset, bytes, RequestFlags.NONE);
    }

    /** @param flags FUA for a TRIM whose caller flushes after it; no other flag means anything to a discard */
    public DiscardRequest(int id, String name, BlockNode node, String request, long offset, long bytes,
                          RequestFlags flags) {
        super(id, name, node, request, offset, bytes, flags);
    }

    /**
     * A discard whose BlockBackend sits on a filter opened without BDRV_O_UNMAP (mirror_top, copy-on-read): it
     * returns 0 there and never reaches the node.
     */
    static DiscardRequest droppedByFilter(int id, String name, BlockNode node, String request, long offset,
                                          long bytes, FilterNode filter) {
        DiscardRequest d = new DiscardRequest(id, name, node, request, offset, bytes);
        d.droppedByFilter = filter;
        return d;
    }

    @Override
    public String phase() {
        return switch (p) {
            case BEGIN -> "bdrv_co_pdiscard";
            case PREPARE -> "bdrv_co_write_req_prepare";
            case LOCK -> "qcow2_co_pdiscard";
            case DISCARD -> "qcow2_cluster_discard";
            case PUNCH -> PunchStep.NAME;
            case UNLOCK -> "qemu_co_mutex_unlock";
            case END -> "tracked_request_end";
            case FLUSH -> flush.phase();
            case DONE -> "done";
        };
    }

    @Override
    protected Outcome runPhase(StepContext cx) {
        String n = name();
        switch (p) {
            case BEGIN -> {
                readFix();
                if (droppedByFilter != null) {
                    String filter = droppedByFilter.kind() == FilterNode.Kind.MIRROR_TOP ? "mirror_top"
                            : "the stream's copy-on-read filter";
                    cx.name("bdrv_co_pdiscard").guest(offset, bytes).narrate(n + " reaches " + filter + ", a filter "
                            + "opened without BDRV_O_UNMAP: bdrv_co_pdiscard returns 0 and nothing is discarded.");
                    return completeUntracked(cx);
                }
                if (!node.unmap()) {
                    // discard=ignore: bdrv_co_pdiscard returns 0 before tracking anything
                    cx.name("bdrv_co_pdiscard").guest(offset, bytes).narrate(n + " reaches a node opened without "
                            + "discard=unmap (no BDRV_O_UNMAP): bdrv_co_pdiscard returns 0 and nothing is discarded.");
                    return flags.has(RequestFlags.FUA) ? startFlush(cx) : completeUntracked(cx);
                }
                beginTracked(cx, TrackedRequestType.DISCARD, fix.serialisesDiscard());
                cx.name("bdrv_co_pdiscard").guest(offset, bytes).narrate(n + " enters the block layer as a discard "
                        + "and registers tracked request #" + tracked.id() + gateNarration());
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
                p = bytes > 0 ? P.LOCK : P.END;
                return Outcome.CONTINUE;
            }
            case LOCK -> {
                // bdrv_co_pdiscard's split: an unaligned head, whole clusters, an unaligned tail.
                pieceLen = nextClusterPiece(pos, Long.MAX_VALUE);
                cx.name("qcow2_co_pdiscard").guest(offset + pos, pieceLen);
                p = P.DISCARD;
                return lockOrQueue(cx, n + " queues for s->lock.",
                        n + " takes s->lock to discard guest " + hex(offset + pos) + ".");
            }
            case DISCARD -> {
                lockReturned(cx);
                boolean done = node.driver().pdiscard(id(), offset + pos, pieceLen, false);
                boolean punch = node.driver().hasQueuedDiscards();
                cx.name("qcow2_cluster_discard").guest(offset + pos, pieceLen).narrate(done
                        ? n + " marks the clusters as zero" + (punch ? " and frees their host clusters, queueing their "
                        + "punch" : "") + ", holding s->lock."
                        : n + "'s piece is not cluster-aligned: qcow2 refuses it (-ENOTSUP) and the block layer ignores that.");
                p = punch ? P.PUNCH : P.UNLOCK;
                return done ? Outcome.YIELD : Outcome.CONTINUE;
            }
            case PUNCH -> {
                cx.guest(offset + pos, pieceLen);
                p = PunchStep.run(this, cx) ? P.PUNCH : P.UNLOCK;
                return Outcome.YIELD;
            }
            case UNLOCK -> {
                unlock(cx);
                cx.name("qemu_co_mutex_unlock").narrate(n + " releases s->lock.");
                pos += pieceLen;
                p = pos < bytes ? P.LOCK : P.END;
                return Outcome.CONTINUE;
            }
            case END -> {
                cx.name("tracked_request_end").guest(offset, bytes);
                if (flags.has(RequestFlags.FUA)) {
                    node.trackedRequests().end(cx, tracked);
                    cx.narrate(n + " ends tracked request #" + tracked.id() + "; the TRIM asked for FUA, so the NBD "
                            + "server flushes before it replies.");
                    return startFlush(cx);
                }
                cx.narrate(n + " ends tracked request #" + tracked.id() + " and completes.");
                p = P.DONE;
                report("discard");
                return finish(cx, "0");
            }
            case FLUSH -> {
                Outcome o = flush.step(cx);
                if (flush.finished() && o instanceof Outcome.Continue) {
                    return completeUntracked(cx);
                }
                return o;
            }
            default -> throw new IllegalStateException(n + " is done");
        }
    }

    /** blk_co_flush after the discard, in the same coroutine (the step that calls it goes on without a yield). */
    private Outcome startFlush(StepContext cx) {
        flush = new Flush(this, node);
        p = P.FLUSH;
        return Outcome.CONTINUE;
    }

    /** Completion once the tracked request, if any, has ended. */
    private Outcome completeUntracked(StepContext cx) {
        p = P.DONE;
        report("discard");
        return finishUntracked(cx);
    }
}
