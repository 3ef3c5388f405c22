package dev.blockstep.app.gui.timeline;

import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.snapshot.Step;
import dev.blockstep.engine.snapshot.StepHistory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Swimlanes per coroutine over steps, built from the event stream. It follows the whole known history (going
 * back keeps the steps past the cursor), so following a growing history costs only the new steps; when the
 * history changes under it (a fix flip, a different step after going back, another file) it starts over,
 * so no lane of an old story lingers.
 */
public final class TimelineModel {

    private final TreeMap<Integer, Lane> lanes = new TreeMap<>();
    private final List<Lane> laneOrder = new ArrayList<>();
    /** Open race windows: writer coroutine to the host range [from, to) it dropped the lock for. */
    private final Map<Integer, long[]> windows = new HashMap<>();
    private int clusterSize = 65536;
    /** Bumped whenever the model starts over, so a view knows its names belong to an old story. */
    private int generation;
    /** The history followed last (immutable), to find where a new history departs from it. */
    private StepHistory followed = StepHistory.EMPTY;
    private int length;

    /**
     * Brings the model in line with {@code steps}, the session's whole known history; {@code clusterSize} is the
     * image's, to tell which freed cluster falls inside a writer's race window.
     */
    public void follow(StepHistory steps, int clusterSize) {
        int common = StepHistory.commonPrefix(followed, steps);
        if (common < length || clusterSize != this.clusterSize) {
            clear();
            this.clusterSize = clusterSize;
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

    /** Whether any step so far dropped the lock inside a writer's race window and freed what it holds. */
    public boolean hasRaceFree() {
        return laneOrder.stream().anyMatch(l -> l.marks().stream().anyMatch(m -> m.kind() == MarkKind.RACE_FREE));
    }

    /** How many times the model started over; a view drops what it cached about lanes when it moves. */
    public int generation() {
        return generation;
    }

    private void clear() {
        generation++;
        lanes.clear();
        laneOrder.clear();
        windows.clear();
        followed = StepHistory.EMPTY;
        length = 0;
    }

    /** The lane of {@code coroutine}, or null when no known step involves it. */
    public Lane find(int coroutine) {
        return lanes.get(coroutine);
    }

    private Lane lane(int coroutine) {
        Lane lane = lanes.get(coroutine);
        if (lane == null) {
            lane = new Lane(coroutine);
            lanes.put(coroutine, lane);
            // a workload starts thousands of coroutines, nearly always in id order: insert, never rebuild the list
            int at = laneOrder.size();
            while (at > 0 && laneOrder.get(at - 1).coroutine() > coroutine) {
                at--;
            }
            laneOrder.add(at, lane);
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
            lane.open(SpanKind.RACE_WINDOW, i);
            windows.put(lane.coroutine(), new long[] {d.hostOffset(), d.hostOffset() + d.bytes()});
        } else if (e instanceof EngineEvent.LockContended || e instanceof EngineEvent.WaitSerialising
                || e instanceof EngineEvent.DependencyWait) {
            lane.open(SpanKind.WAIT, i);
        } else if (e instanceof EngineEvent.RequestStarted r) {
            lane.name(r.name());
        } else if (e instanceof EngineEvent.DataIoSubmitted) {
            lane.open(SpanKind.DATA_IO, i);
        } else if (e instanceof EngineEvent.DataIoCompleted) {
            lane.close(SpanKind.DATA_IO, i + 1);
        } else if (e instanceof EngineEvent.L2EntryWritten w) {
            lane.mark(MarkKind.L2_WRITE, i, "L2 entry of guest cluster " + w.guestCluster() + " written");
            endWindow(lane, i + 1);
        } else if (e instanceof EngineEvent.RequestFinished) {
            endWindow(lane, i + 1);
        } else if (e instanceof EngineEvent.RefcountChanged r && r.newRefcount() == 0 && r.oldRefcount() != 0) {
            lane.mark(MarkKind.REFCOUNT_FREED, i, "host cluster " + r.hostCluster() + " freed");
            markRaceFree(lane, r.hostCluster(), i);
        } else if (e instanceof EngineEvent.StderrLine s) {
            lane.mark(MarkKind.STDERR, i, s.line());
        } else if (e instanceof EngineEvent.FixToggled f) {
            lane.mark(MarkKind.FIX_TOGGLED, i, "fix " + f.variant().id());
        }
    }

    private void endWindow(Lane writer, int end) {
        if (windows.remove(writer.coroutine()) != null) {
            writer.close(SpanKind.RACE_WINDOW, end);
        }
    }

    /** A free of a cluster some other writer holds inside its race window: marked on both lanes. */
    private void markRaceFree(Lane freeing, long hostCluster, int i) {
        long at = hostCluster * clusterSize;
        for (Map.Entry<Integer, long[]> w : new TreeMap<>(windows).entrySet()) {
            if (w.getKey() != freeing.coroutine() && at >= w.getValue()[0] && at < w.getValue()[1]) {
                lane(w.getKey()).mark(MarkKind.RACE_FREE, i, "host cluster " + hostCluster
                        + " freed inside this race window by", freeing.coroutine());
                freeing.mark(MarkKind.RACE_FREE, i, "frees host cluster " + hostCluster + " inside the race window of",
                        w.getKey());
            }
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
