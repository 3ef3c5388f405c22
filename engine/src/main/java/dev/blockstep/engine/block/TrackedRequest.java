package dev.blockstep.engine.block;

import dev.blockstep.engine.coroutine.CoQueue;
import dev.blockstep.engine.coroutine.Coroutine;
import dev.blockstep.engine.snapshot.TrackedRequestView;

/**
 * BdrvTrackedRequest: an in-flight request on one node. The overlap window starts as the request itself and
 * is widened only when the request is made serialising.
 */
public final class TrackedRequest {
    private final int id;
    private final Coroutine owner;
    private final long offset;
    private final long bytes;
    private final TrackedRequestType type;
    private boolean serialising;
    private long overlapOffset;
    private long overlapBytes;
    private TrackedRequest waitingFor;
    private final CoQueue waitQueue = new CoQueue();

    TrackedRequest(int id, Coroutine owner, long offset, long bytes, TrackedRequestType type) {
        this.id = id;
        this.owner = owner;
        this.offset = offset;
        this.bytes = bytes;
        this.type = type;
        this.overlapOffset = offset;
        this.overlapBytes = bytes;
    }

    public int id() {
        return id;
    }

    public Coroutine owner() {
        return owner;
    }

    public long offset() {
        return offset;
    }

    public long bytes() {
        return bytes;
    }

    public TrackedRequestType type() {
        return type;
    }

    public boolean serialising() {
        return serialising;
    }

    public long overlapOffset() {
        return overlapOffset;
    }

    public long overlapBytes() {
        return overlapBytes;
    }

    /** The request this one sleeps on, or null. */
    public TrackedRequest waitingFor() {
        return waitingFor;
    }

    CoQueue waitQueue() {
        return waitQueue;
    }

    void markSerialising(long align) {
        serialising = true;
        long start = Math.floorDiv(offset, align) * align;
        long end = ceilTo(offset + bytes, align);
        long newStart = Math.min(overlapOffset, start);
        long newEnd = Math.max(overlapOffset + overlapBytes, end);
        overlapOffset = newStart;
        overlapBytes = newEnd - newStart;
    }

    void setWaitingFor(TrackedRequest other) {
        this.waitingFor = other;
    }

    /** Half-open windows [a, a+n) intersect. */
    boolean overlaps(TrackedRequest other) {
        return overlapOffset < other.overlapOffset + other.overlapBytes
                && other.overlapOffset < overlapOffset + overlapBytes;
    }

    public TrackedRequestView view() {
        return new TrackedRequestView(id, owner.id(), offset, bytes, type.name(), serialising, overlapOffset,
                overlapBytes, waitingFor == null ? -1 : waitingFor.id);
    }

    private static long ceilTo(long v, long align) {
        return Math.floorDiv(v + align - 1, align) * align;
    }

    @Override
    public String toString() {
        return "req#" + id + " " + type + " 0x" + Long.toHexString(offset) + "+" + bytes
                + (serialising ? " serialising" : "") + " by " + owner.name();
    }
}
