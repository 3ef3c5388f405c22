package dev.blockstep.app.gui.timeline;

import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.snapshot.Step;
import dev.blockstep.engine.snapshot.StepHistory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;

/**
 * Swimlanes per coroutine over steps, built from the event stream. Following a growing history costs only
 * the new steps; going back truncates instead of rebuilding, so a 10^5-step run stays cheap to follow.
 */
public final class TimelineModel {

    private final TreeMap<Integer, Lane> lanes = new TreeMap<>();
    private final List<Lane> laneOrder = new ArrayList<>();
    /** The history followed last (immutable), to find where a new history departs from it. */
    private StepHistory followed = StepHistory.EMPTY;
    private int length;

    /** Brings the model in line with {@code steps} (the session's history up to the current step). */
    public void follow(StepHistory steps) {
        int common = StepHistory.commonPrefix(followed, steps);
        if (common < length) {
            truncate(common);
        }
        for (int i = length; i < steps.size(); i++) {
            add(steps.get(i));
        }
        followed = steps;
    }

    /** Number of steps the model covers. */
    public int length() {
        return length;
    }

    /** Lanes in coroutine-id order. */
    public List<Lane> lanes() {
        return Collections.unmodifiableList(laneOrder);
    }

    private void truncate(int n) {
        for (Lane lane : laneOrder) {
            lane.truncate(n);
        }
        length = n;
    }

    private Lane lane(int coroutine) {
        Lane lane = lanes.get(coroutine);
        if (lane == null) {
            lane = new Lane(coroutine);
            lanes.put(coroutine, lane);
            laneOrder.clear();
            laneOrder.addAll(lanes.values());
        }
        return lane;
    }

    private void apply(Lane lane, EngineEvent e, int i) {
        if (e instanceof EngineEvent.LockAcquired) {
            lane.close(SpanKind.WAIT, i);
            lane.open(SpanKind.LOCK_HELD, i);
        } else if (e instanceof EngineEvent.LockReleased r) {
            lane.close(SpanKind.LOCK_HELD, i + 1);
            if (r.handedTo() >= 0) {
                Lane to = lane(r.handedTo());
                to.close(SpanKind.WAIT, i + 1);
                to.open(SpanKind.LOCK_HELD, i + 1);
            }
        } else if (e instanceof EngineEvent.LockDroppedForDataIo d) {
            lane.close(SpanKind.LOCK_HELD, i + 1);
            lane.mark(MarkKind.LOCK_DROP, i, "s->lock dropped for data I/O at 0x" + Long.toHexString(d.hostOffset()));
        } else if (e instanceof EngineEvent.LockContended || e instanceof EngineEvent.WaitSerialising
                || e instanceof EngineEvent.DependencyWait) {
            lane.open(SpanKind.WAIT, i);
        } else if (e instanceof EngineEvent.DataIoSubmitted) {
            lane.open(SpanKind.DATA_IO, i);
        } else if (e instanceof EngineEvent.DataIoCompleted) {
            lane.close(SpanKind.DATA_IO, i + 1);
        } else if (e instanceof EngineEvent.L2EntryWritten w) {
            lane.mark(MarkKind.L2_WRITE, i, "L2 entry of guest cluster " + w.guestCluster() + " written");
        } else if (e instanceof EngineEvent.RefcountChanged r && r.newRefcount() == 0 && r.oldRefcount() != 0) {
            lane.mark(MarkKind.REFCOUNT_FREED, i, "host cluster " + r.hostCluster() + " freed");
        } else if (e instanceof EngineEvent.StderrLine s) {
            lane.mark(MarkKind.STDERR, i, s.line());
        } else if (e instanceof EngineEvent.FixToggled f) {
            lane.mark(MarkKind.FIX_TOGGLED, i, "fix " + f.variant().id());
        }
    }

    private void add(Step step) {
        int i = length;
        Lane own = lane(step.coroutine());
        // The coroutine runs again, so whatever it waited for is over.
        if (own.isOpen(SpanKind.WAIT) && own.openSince(SpanKind.WAIT) < i) {
            own.close(SpanKind.WAIT, i);
        }
        own.mark(MarkKind.STEP, i, step.name());
        for (EngineEvent e : step.events()) {
            apply(lane(e.coroutine()), e, i);
        }
        length = i + 1;
    }
}
