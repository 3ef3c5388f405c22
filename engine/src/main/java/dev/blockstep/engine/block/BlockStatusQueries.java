package dev.blockstep.engine.block;

import dev.blockstep.engine.coroutine.Outcome;
import dev.blockstep.engine.coroutine.StepContext;
import dev.blockstep.engine.qcow2.Qcow2Driver;
import java.util.List;

/**
 * The block-status queries of qemu's is_zero (qcow2_co_pwrite_zeroes before widening a piece) and is_zero_cow
 * (handle_alloc_space before a COW), three steps per query: qcow2_co_block_status takes s->lock, looks the range
 * up in the L2 table (metadata I/O that may yield with the lock held), and releases the lock. The caller owns the
 * phases and says what follows each answer; this class only runs the three steps the same way for both.
 */
final class BlockStatusQueries {

    /**
     * The step of one query: qcow2_co_block_status maps the range under s->lock and releases it. It has no trace
     * event; the log shows its lock and unlock.
     */
    static final String BLOCK_STATUS = "qcow2_co_block_status";

    private final RequestCoroutine co;
    private final BlockNode node;
    private List<Qcow2Driver.GuestRange> left = List.of();
    /** What the last query answered. */
    private boolean zero;

    BlockStatusQueries(RequestCoroutine co, BlockNode node) {
        this.co = co;
        this.node = node;
    }

    /** Starts a new series of queries, in the order qemu asks them. */
    void start(List<Qcow2Driver.GuestRange> queries) {
        left = queries;
    }

    /** Whether a query is still to be asked. */
    boolean pending() {
        return !left.isEmpty();
    }

    /** The lock step of the next query, narrated as queued or as taken. */
    Outcome lock(StepContext cx, String queued, String taken) {
        Qcow2Driver.GuestRange q = left.get(0);
        cx.name("qemu_co_mutex_lock").guest(q.offset(), q.bytes());
        return co.lockOrQueue(cx, queued, taken);
    }

    /** The guest range of the next query. */
    Qcow2Driver.GuestRange next() {
        return left.get(0);
    }

    /** The lookup step, holding s->lock; ends in a yield. */
    Outcome status(StepContext cx) {
        co.lockReturned(cx);
        Qcow2Driver.GuestRange q = left.get(0);
        zero = node.driver().blockStatusZero(co.id(), q.offset(), q.bytes());
        cx.name(BLOCK_STATUS).guest(q.offset(), q.bytes()).narrate(co.name() + " looks up guest "
                + RequestCoroutine.hex(q.offset()) + " in the L2 table, holding s->lock: it "
                + (zero ? "reads as zero." : "holds data."));
        return Outcome.YIELD;
    }

    /** The unlock step: releases s->lock and drops the query; returns whether its range read as zero. */
    boolean unlock(StepContext cx) {
        Qcow2Driver.GuestRange q = left.get(0);
        co.unlock(cx);
        cx.name("qemu_co_mutex_unlock").guest(q.offset(), q.bytes());
        left = left.subList(1, left.size());
        return zero;
    }
}
