package dev.blockstep.engine.block;

import dev.blockstep.engine.coroutine.CoMutex;
import dev.blockstep.engine.coroutine.CoQueue;
import dev.blockstep.engine.coroutine.StepContext;
import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.event.EngineEventSink;
import dev.blockstep.engine.qcow2.Qcow2Driver;
import dev.blockstep.engine.snapshot.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The qcow2 node as the block layer sees it: its tracked requests, s->lock, the flush serialisation, the
 * driver, and the live serialisation fix. Requests read {@link #fixOn()} once, when they begin.
 */
public final class BlockNode {
    private Qcow2Driver driver;
    private final TrackedRequests trackedRequests = new TrackedRequests();
    private final CoMutex sLock = new CoMutex("s->lock");
    private final CoQueue flushQueue = new CoQueue();
    private boolean activeFlush;
    private boolean fixOn;
    /** Where the driver's events go during the current step. */
    private Consumer<EngineEvent> eventTarget = e -> { };
    private final List<String> stderr = new ArrayList<>();
    private final List<String> stdout = new ArrayList<>();
    private final List<OutputLine> output = new ArrayList<>();

    /** A line qemu-io would print, on stdout or stderr, in the order they were printed. */
    public record OutputLine(boolean stderr, String line) { }

    public BlockNode(boolean fixOn) {
        this.fixOn = fixOn;
    }

    /** The sink to open the driver with: it forwards to whichever step is running. */
    public EngineEventSink eventSink() {
        return e -> eventTarget.accept(e);
    }

    /** Attaches the driver opened with {@link #eventSink()}. */
    public void attach(Qcow2Driver d) {
        this.driver = d;
    }

    public Qcow2Driver driver() {
        return driver;
    }

    void routeEventsTo(Consumer<EngineEvent> target) {
        this.eventTarget = target;
    }

    public TrackedRequests trackedRequests() {
        return trackedRequests;
    }

    public CoMutex sLock() {
        return sLock;
    }

    public boolean fixOn() {
        return fixOn;
    }

    /** Requests that begin after this call get the new setting; those in flight keep theirs. */
    public void setFix(boolean on) {
        this.fixOn = on;
    }

    /** active_flush_req, read by the step {@code cx}. */
    boolean activeFlush(StepContext cx) {
        cx.writes(Resource.Shared.FLUSH_QUEUE);
        return activeFlush;
    }

    void setActiveFlush(StepContext cx, boolean on) {
        cx.writes(Resource.Shared.FLUSH_QUEUE);
        activeFlush = on;
    }

    CoQueue flushQueue(StepContext cx) {
        cx.writes(Resource.Shared.FLUSH_QUEUE);
        return flushQueue;
    }

    public void stderr(String line) {
        stderr.add(line);
        output.add(new OutputLine(true, line));
    }

    /** stdout and stderr lines interleaved in the order they were printed. */
    public List<OutputLine> output() {
        return List.copyOf(output);
    }

    public List<String> stderrLines() {
        return List.copyOf(stderr);
    }

    public int stderrCount() {
        return stderr.size();
    }

    /** Restores what was printed before a checkpoint. */
    public void restoreOutput(List<OutputLine> lines) {
        for (OutputLine l : lines) {
            (l.stderr() ? stderr : stdout).add(l.line());
            output.add(l);
        }
    }

    /** No request holds or waits for anything on this node. */
    public boolean idle() {
        return sLock.ownerId() < 0 && sLock.waiterIds().isEmpty() && !activeFlush && flushQueue.isEmpty()
                && trackedRequests.list().isEmpty() && driver.clusterAllocs().isEmpty();
    }

    public void stdout(String line) {
        stdout.add(line);
        output.add(new OutputLine(false, line));
    }

    public List<String> stdoutLines() {
        return List.copyOf(stdout);
    }
}
