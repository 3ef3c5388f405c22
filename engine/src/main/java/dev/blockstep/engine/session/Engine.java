package dev.blockstep.engine.session;

import dev.blockstep.engine.block.BlockNode;
import dev.blockstep.engine.block.QemuIoMain;
import dev.blockstep.engine.block.RequestCoroutine;
import dev.blockstep.engine.block.WriteRequest;
import dev.blockstep.engine.coroutine.Coroutine;
import dev.blockstep.engine.coroutine.Scheduler;
import dev.blockstep.engine.coroutine.SchedulingPolicy;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.Qcow2Driver;
import dev.blockstep.engine.qcow2.format.ImageFormatException;
import dev.blockstep.engine.snapshot.CoState;
import dev.blockstep.engine.snapshot.CoroutineView;
import dev.blockstep.engine.snapshot.LockView;
import dev.blockstep.engine.snapshot.Snapshot;
import dev.blockstep.engine.snapshot.Step;
import java.util.ArrayList;
import java.util.List;

/** One live run: the image copy, the driver, the qcow2 node, the scheduler and qemu-io's command loop. */
public final class Engine {
    private final HostFile file;
    private final BlockNode node;
    private final Scheduler scheduler;
    private final QemuIoMain main;
    private CoroutineView[] viewCache = new CoroutineView[64];
    private long[] viewVersion = new long[64];

    public Engine(Workload w) {
        this(w, w.policy().get());
    }

    /** @throws IllegalArgumentException when the image cannot be opened; the message names the image */
    public Engine(Workload w, SchedulingPolicy policy) {
        this.file = w.image().copy();
        this.node = new BlockNode(w.fixAtStart());
        try {
            node.attach(Qcow2Driver.open(file, w.name(), node.eventSink()));
        } catch (ImageFormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        this.scheduler = new Scheduler(policy);
        this.main = scheduler.spawn(new QemuIoMain(node, w.commands()));
    }

    /** Steps under the policy; null when nothing can step. */
    public Step step() {
        return scheduler.step();
    }

    public Step step(int coroutineId) {
        return scheduler.step(coroutineId);
    }

    /** Runs under the policy until nothing can step; returns the number of steps taken. */
    public int runToEnd() {
        int n = 0;
        while (scheduler.step() != null) {
            n++;
        }
        return n;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    public BlockNode node() {
        return node;
    }

    public QemuIoMain main() {
        return main;
    }

    /** The host file as it stands (live; copy before keeping). */
    public HostFile file() {
        return file;
    }

    /** Every coroutine has finished (qemu-io closed the image). */
    public boolean finished() {
        return main.state() == CoState.DONE;
    }

    /** No coroutine can step but some are not done: a deadlock, which qemu would hang on. */
    public boolean stuck() {
        return !finished() && !scheduler.canStep();
    }

    /** A coroutine's view, rebuilt only when the coroutine changed since the last snapshot. */
    private CoroutineView view(Coroutine c) {
        int id = c.id();
        if (id >= viewCache.length) {
            viewCache = java.util.Arrays.copyOf(viewCache, Math.max(id + 1, viewCache.length * 2));
            viewVersion = java.util.Arrays.copyOf(viewVersion, viewCache.length);
        }
        boolean ser = c instanceof RequestCoroutine r && r.serialising();
        CoroutineView v = viewCache[id];
        if (v == null || viewVersion[id] != c.version() || v.serialising() != ser) {
            String request = c instanceof RequestCoroutine r ? r.request() : "qemu-io";
            v = new CoroutineView(id, c.name(), request, c == main ? "qemu-io" : "guest", c.state(), c.phase(),
                    c.blockedOn(), c.frames(), ser);
            viewCache[id] = v;
            viewVersion[id] = c.version();
        }
        return v;
    }

    public Snapshot snapshot(Step last) {
        List<CoroutineView> cos = new ArrayList<>();
        List<Integer> dropped = new ArrayList<>();
        for (Coroutine c : scheduler.coroutines()) {
            cos.add(view(c));
            if (c instanceof WriteRequest w && w.lockDroppedWithDecision()) {
                dropped.add(c.id());
            }
        }
        LockView lock = new LockView(node.sLock().ownerId(), node.sLock().waiterIds(), dropped);
        boolean finished = finished();
        return new Snapshot(scheduler.stepIndex(), node.fixOn(), last, cos, node.trackedRequests().views(), lock,
                node.driver().imageView(), node.stderrLines(), finished);
    }
}
