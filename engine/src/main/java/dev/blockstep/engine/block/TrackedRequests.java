package dev.blockstep.engine.block;

import dev.blockstep.engine.coroutine.Outcome;
import dev.blockstep.engine.coroutine.StepContext;
import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.snapshot.CoState;
import dev.blockstep.engine.snapshot.Resource;
import dev.blockstep.engine.snapshot.TrackedRequestView;
import java.util.ArrayList;
import java.util.List;

/**
 * bs->tracked_requests of one node, with block/io.c's rules. reqs_lock is not modelled as a separate mutex:
 * it is never held across a yield except inside the wait, where qemu drops it, so it can never be contended.
 */
public final class TrackedRequests {
    /** Head first, as qemu's QLIST_INSERT_HEAD leaves it. */
    private final List<TrackedRequest> list = new ArrayList<>();
    private int serialisingInFlight;
    private int nextId = 1;

    /** tracked_request_begin: overlap window = the request, not serialising, inserted at the head. */
    public TrackedRequest begin(StepContext cx, long offset, long bytes, TrackedRequestType type) {
        cx.writes(Resource.Shared.TRACKED_REQUESTS);
        TrackedRequest r = new TrackedRequest(nextId++, cx.self(), offset, bytes, type);
        list.add(0, r);
        cx.event(new EngineEvent.TrackedRequestBegin(cx.self().id(), r.id(), offset, bytes, type.name(), false));
        return r;
    }

    /**
     * tracked_request_set_serialising: counts it once and widens the window to {@code align}. Steps call it just
     * before {@link #waitSerialising}, which declares the access for both.
     */
    public void setSerialising(TrackedRequest r, long align) {
        if (!r.serialising()) {
            serialisingInFlight++;
        }
        r.markSerialising(align);
    }

    /**
     * bdrv_find_conflicting_request: the first request, from the head, that is not {@code self}, is not itself
     * waiting, overlaps {@code self}'s window, and of which at least one side is serialising.
     */
    public TrackedRequest findConflicting(TrackedRequest self) {
        for (TrackedRequest r : list) {
            if (r == self || (!r.serialising() && !self.serialising()) || !r.overlaps(self)) {
                continue;
            }
            // A request that already waits is skipped to avoid a deadlock; it re-scans when it wakes.
            if (r.waitingFor() != null) {
                continue;
            }
            return r;
        }
        return null;
    }

    /**
     * One round of bdrv_wait_serialising_requests: returns null when {@code self} may go on, or a Blocked
     * outcome after queuing on the conflicting request. The caller re-runs this phase after the wake-up.
     * With {@code fastPath}, nothing is scanned while no serialising request is in flight.
     */
    public Outcome waitSerialising(StepContext cx, TrackedRequest self, boolean fastPath) {
        cx.writes(Resource.Shared.TRACKED_REQUESTS);
        self.setWaitingFor(null);
        if (fastPath && serialisingInFlight == 0) {
            return null;
        }
        TrackedRequest conflict = findConflicting(self);
        if (conflict == null) {
            return null;
        }
        self.setWaitingFor(conflict);
        conflict.waitQueue().queueWait(cx);
        cx.event(new EngineEvent.WaitSerialising(cx.self().id(), self.id(), conflict.id()));
        return Outcome.blocked(CoState.WAITING_TRACKED_REQUEST, "tracked request #" + conflict.id() + " ("
                + conflict.owner().name() + ")");
    }

    /** tracked_request_end: uncounts, removes, and wakes everything queued on it. */
    public void end(StepContext cx, TrackedRequest r) {
        cx.writes(Resource.Shared.TRACKED_REQUESTS);
        if (r.serialising()) {
            serialisingInFlight--;
        }
        list.remove(r);
        r.waitQueue().restartAll(cx);
        cx.event(new EngineEvent.TrackedRequestEnd(cx.self().id(), r.id()));
    }

    /** The id the next tracked request gets (checkpoints carry it so ids stay the same after a restore). */
    public int nextId() {
        return nextId;
    }

    public void restoreNextId(int id) {
        if (!list.isEmpty()) {
            throw new IllegalStateException("requests are in flight");
        }
        nextId = id;
    }

    public int serialisingInFlight() {
        return serialisingInFlight;
    }

    /** Head first. */
    public List<TrackedRequest> list() {
        return List.copyOf(list);
    }

    public List<TrackedRequestView> views() {
        List<TrackedRequestView> v = new ArrayList<>(list.size());
        for (TrackedRequest r : list) {
            v.add(r.view());
        }
        return v;
    }
}
