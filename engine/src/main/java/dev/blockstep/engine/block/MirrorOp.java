package dev.blockstep.engine.block;

import dev.blockstep.engine.coroutine.CoQueue;

/**
 * qemu's MirrorOp: a range of the disk the mirror is working on, which other operations on overlapping chunks
 * wait for on {@link #waiting()}. A pseudo op claims an iteration's whole area until its real ops are launched; an
 * active write is a guest write being copied to the target in write-blocking mode.
 */
final class MirrorOp {
    enum Kind { PSEUDO, BACKGROUND, ACTIVE_WRITE }

    private final Kind kind;
    private final long offset;
    private final long bytes;
    /** A background copy holds buffer chunks until it is done; zero ops and the others hold none. */
    private final boolean holdsBuffers;
    private final CoQueue waiting = new CoQueue();
    /** The op this one waits for in mirror_wait_on_conflicts, so that one op never waits for its own waiter. */
    private MirrorOp waitingFor;

    MirrorOp(Kind kind, long offset, long bytes) {
        this(kind, offset, bytes, false);
    }

    MirrorOp(Kind kind, long offset, long bytes, boolean holdsBuffers) {
        this.kind = kind;
        this.offset = offset;
        this.bytes = bytes;
        this.holdsBuffers = holdsBuffers;
    }

    boolean holdsBuffers() {
        return holdsBuffers;
    }

    Kind kind() {
        return kind;
    }

    long offset() {
        return offset;
    }

    long bytes() {
        return bytes;
    }

    CoQueue waiting() {
        return waiting;
    }

    MirrorOp waitingFor() {
        return waitingFor;
    }

    void waitingFor(MirrorOp op) {
        waitingFor = op;
    }

    /** Whether the op's chunks overlap chunks {@code [start, end)}. */
    boolean overlapsChunks(long granularity, long start, long end) {
        long s = offset / granularity;
        long e = (offset + bytes + granularity - 1) / granularity;
        return s < end && start < e;
    }
}
