package dev.blockstep.engine.block;

import dev.blockstep.engine.coroutine.StepContext;
import dev.blockstep.engine.snapshot.Resource;
import java.util.ArrayList;
import java.util.List;

/**
 * What a mirror job shares with its operations and with the mirror_top filter's write path (MirrorBlockJob's
 * fields in qemu): the dirty bitmap, the in-flight bitmap and list of operations, the in-flight counters and the
 * target. Every step that reads or changes it declares {@link Resource.Shared#BLOCK_JOB}.
 */
final class MirrorState {
    /** MAX_IN_FLIGHT in block/mirror.c. */
    static final int MAX_IN_FLIGHT = 16;
    /** MAX_IO_BYTES in block/mirror.c. */
    static final long MAX_IO_BYTES = 1 << 20;

    final long granularity;
    final long bufSize;
    final long length;
    final BlockJobSpec.CopyMode copyMode;
    /** The target, on a node of its own. */
    final BlockNode target;
    /** s->unmap: the zero ops ask the target for MAY_UNMAP. */
    final boolean unmap;
    final DirtyBitmap dirty;
    private final boolean[] inFlightBitmap;
    private final List<MirrorOp> ops = new ArrayList<>();
    /** s->in_flight: background ops launched and not done. */
    private int inFlight;
    /** s->buf_free_count, in granularity-sized chunks. */
    private long bufFree;

    MirrorState(long granularity, long bufSize, long length, BlockJobSpec.CopyMode copyMode, BlockNode target,
                boolean unmap) {
        this.granularity = granularity;
        this.bufSize = bufSize;
        this.length = length;
        this.copyMode = copyMode;
        this.target = target;
        this.unmap = unmap;
        this.dirty = new DirtyBitmap(granularity, length);
        this.inFlightBitmap = new boolean[(int) ((length + granularity - 1) / granularity)];
        this.bufFree = bufSize / granularity;
    }

    /** Declares the step's access to this state. */
    MirrorState touch(StepContext cx) {
        cx.writes(Resource.Shared.BLOCK_JOB);
        return this;
    }

    int inFlight() {
        return inFlight;
    }

    long bufFree() {
        return bufFree;
    }

    boolean inFlightAt(long offset) {
        return inFlightBitmap[(int) (offset / granularity)];
    }

    /** Adds an op to ops_in_flight; a background op also takes an in-flight slot, a copy its buffer chunks. */
    void add(MirrorOp op) {
        ops.add(op);
        if (op.kind() == MirrorOp.Kind.BACKGROUND) {
            inFlight++;
        }
        if (op.holdsBuffers()) {
            bufFree -= chunks(op.bytes());
        }
    }

    /** bitmap_set on the in-flight bitmap over the op's chunks. */
    void claim(long offset, long bytes) {
        markInFlight(offset, bytes, true);
    }

    /**
     * The end of an op (mirror_iteration_done, active_write_settle, or the pseudo op's removal): frees its chunks
     * and slot and wakes whoever waits for it.
     */
    void end(StepContext cx, MirrorOp op) {
        if (op.kind() != MirrorOp.Kind.PSEUDO) {
            markInFlight(op.offset(), op.bytes(), false);
        }
        ops.remove(op);
        if (op.kind() == MirrorOp.Kind.BACKGROUND) {
            inFlight--;
        }
        if (op.holdsBuffers()) {
            bufFree += chunks(op.bytes());
        }
        op.waiting().restartAll(cx);
    }

    /**
     * One pass of mirror_wait_on_conflicts' loop for {@code self} (null for the job's iteration): the op to wait
     * for, or null when no chunk of {@code [offset, offset+bytes)} is in flight.
     */
    MirrorOp conflict(MirrorOp self, long offset, long bytes) {
        long start = offset / granularity;
        long end = (offset + bytes + granularity - 1) / granularity;
        boolean busy = false;
        for (long c = start; c < end && c < inFlightBitmap.length; c++) {
            busy |= inFlightBitmap[(int) c];
        }
        if (!busy) {
            return null;
        }
        for (MirrorOp op : ops) {
            if (op == self || !op.overlapsChunks(granularity, start, end)) {
                continue;
            }
            if (self != null && op.waitingFor() != null) {
                continue;
            }
            return op;
        }
        return null;
    }

    /** The op mirror_wait_for_free_in_flight_slot waits for: the first real background op in flight. */
    MirrorOp anyBackgroundOp() {
        for (MirrorOp op : ops) {
            if (op.kind() == MirrorOp.Kind.BACKGROUND) {
                return op;
            }
        }
        throw new IllegalStateException("mirror: waiting for a free slot with no operation in flight");
    }

    /** Any op in ops_in_flight (at the drain only active writes can be left), or null. */
    MirrorOp anyOp() {
        return ops.isEmpty() ? null : ops.get(0);
    }

    /** Queues {@code co} on {@code op}'s waiting_requests (the caller then returns a blocked outcome). */
    static void waitFor(StepContext cx, MirrorOp op) {
        op.waiting().queueWait(cx);
    }

    long chunks(long bytes) {
        return (bytes + granularity - 1) / granularity;
    }

    private void markInFlight(long offset, long bytes, boolean on) {
        for (long c = offset / granularity; c < inFlightBitmap.length && c * granularity < offset + bytes; c++) {
            inFlightBitmap[(int) c] = on;
        }
    }
}
