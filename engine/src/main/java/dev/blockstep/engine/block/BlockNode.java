package dev.blockstep.engine.block;

import dev.blockstep.engine.coroutine.CoMutex;
import dev.blockstep.engine.coroutine.CoQueue;
import dev.blockstep.engine.coroutine.Coroutine;
import dev.blockstep.engine.coroutine.StepContext;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The qcow2 node as the block layer sees it: its tracked requests, s->lock, the flush serialisation, the
 * driver, and the live serialisation fix. Requests read {@link #fixOn()} once, when they begin.
 */
public final class BlockNode {
    private final DriverOps driver;
    private final TrackedRequests trackedRequests = new TrackedRequests();
    private final CoMutex sLock = new CoMutex("s->lock");
    private final CoQueue flushQueue = new CoQueue();
    private boolean activeFlush;
    private boolean fixOn;
    /** dependent_requests of each in-flight QCowL2Meta, and who allocated it. Looked up, never iterated. */
    private final Map<DriverOps.L2Meta, MetaWaiters> metas = new IdentityHashMap<>();
    private final List<String> stderr = new ArrayList<>();
    private final List<String> stdout = new ArrayList<>();

    private record MetaWaiters(Coroutine owner, CoQueue dependents) { }

    public BlockNode(DriverOps driver, boolean fixOn) {
        this.driver = driver;
        this.fixOn = fixOn;
    }

    public DriverOps driver() {
        return driver;
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

    boolean activeFlush() {
        return activeFlush;
    }

    void setActiveFlush(boolean on) {
        activeFlush = on;
    }

    CoQueue flushQueue() {
        return flushQueue;
    }

    void registerMeta(DriverOps.L2Meta meta, Coroutine owner) {
        metas.putIfAbsent(meta, new MetaWaiters(owner, new CoQueue()));
    }

    CoQueue dependents(DriverOps.L2Meta meta) {
        return waiters(meta).dependents();
    }

    Coroutine metaOwner(DriverOps.L2Meta meta) {
        return waiters(meta).owner();
    }

    /** The allocation left cluster_allocs: wake everything that waited on it (qemu_co_queue_restart_all). */
    void metaDone(StepContext cx, DriverOps.L2Meta meta) {
        MetaWaiters w = metas.remove(meta);
        if (w != null) {
            w.dependents().restartAll(cx);
        }
    }

    private MetaWaiters waiters(DriverOps.L2Meta meta) {
        MetaWaiters w = metas.get(meta);
        if (w == null) {
            throw new IllegalStateException("allocation at guest 0x" + Long.toHexString(meta.guestOffset())
                    + " is not known to the block layer");
        }
        return w;
    }

    public void stderr(String line) {
        stderr.add(line);
    }

    public List<String> stderrLines() {
        return List.copyOf(stderr);
    }

    public int stderrCount() {
        return stderr.size();
    }

    public void stdout(String line) {
        stdout.add(line);
    }

    public List<String> stdoutLines() {
        return List.copyOf(stdout);
    }
}
