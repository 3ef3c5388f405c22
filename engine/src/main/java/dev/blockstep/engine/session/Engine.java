package dev.blockstep.engine.session;

import dev.blockstep.engine.block.BlockJob;
import dev.blockstep.engine.block.BlockJobSpec;
import dev.blockstep.engine.block.BlockNode;
import dev.blockstep.engine.block.CommandMap;
import dev.blockstep.engine.block.QemuIoMain;
import dev.blockstep.engine.block.RequestCoroutine;
import dev.blockstep.engine.block.RequestFlags;
import dev.blockstep.engine.block.WriteRequest;
import dev.blockstep.engine.coroutine.Coroutine;
import dev.blockstep.engine.coroutine.Scheduler;
import dev.blockstep.engine.coroutine.SchedulingPolicy;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.Qcow2Driver;
import dev.blockstep.engine.qcow2.format.ImageFormatException;
import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.snapshot.CoState;
import dev.blockstep.engine.snapshot.ImageView;
import dev.blockstep.engine.snapshot.CoroutineView;
import dev.blockstep.engine.snapshot.LockView;
import dev.blockstep.engine.snapshot.Resource;
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
    private ImageView imageCache;
    private boolean imageDirty = true;
    /** The fix variant the previous step ran with; a different one at the next step means a flip. */
    private FixVariant fixAtLastStep;
    /** The block job qemu-io has not yet issued enough commands for, or null. */
    private BlockJobSpec pendingJob;
    /** The job once started; kept here because a headless run forgets finished coroutines. */
    private BlockJob job;
    private int jobAfter;
    private CoroutineView[] viewCache = new CoroutineView[64];
    private long[] viewVersion = new long[64];

    public Engine(Workload w) {
        this(w, w.policy().get());
    }

    /** @throws IllegalArgumentException when the image cannot be opened; the message names the image */
    public Engine(Workload w, SchedulingPolicy policy) {
        this.file = w.image().copy();
        this.node = w.stack().node(w.fixAtStart());
        try {
            node.attach(Qcow2Driver.open(file, w.name(), node.eventSink(), w.backingOpener(), node.unmap()));
        } catch (ImageFormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        this.scheduler = new Scheduler(policy);
        declareAccesses();
        this.main = scheduler.spawn(new QemuIoMain(node, w.stack().target(node), w.commands()));
        this.pendingJob = w.job();
        this.jobAfter = w.jobAfter();
        startJobWhenDue();
        this.fixAtLastStep = w.fixAtStart();
    }

    /**
     * Starts the block job once qemu-io has issued the commands it comes after, as a QMP command the main loop
     * handles between two of qemu-io's: right after the step that issued the last of them, so the next choice
     * already sees the job. The QMP handler puts the job's filter above the node inside bdrv_drained_begin, which
     * polls until the guest's requests in flight have ended, so the job starts after the step that ends the last one.
     */
    private void startJobWhenDue() {
        if (pendingJob == null || main.commandIndex() < jobAfter || main.inFlight() > 0) {
            return;
        }
        BlockJobSpec job = pendingJob;
        pendingJob = null;
        try {
            this.job = job.start(scheduler.nextId(), node);
            main.jobStarted(this.job);
            scheduler.spawn(this.job);
        } catch (ImageFormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Rebuilds the engine a checkpoint describes, as if the steps before it had been replayed. */
    Engine(Workload w, SchedulingPolicy policy, Checkpoint cp) {
        this.file = cp.file().copy();
        this.node = w.stack().node(cp.fix());
        this.fixAtLastStep = cp.fix();
        try {
            node.attach(Qcow2Driver.reopenAt(file, w.name(), node.eventSink(), cp.freeClusterIndex(), w.backingOpener()));
        } catch (ImageFormatException e) {
            throw new IllegalStateException("a checkpoint's image no longer opens: " + e.getMessage(), e);
        }
        node.trackedRequests().restoreNextId(cp.trackedNextId());
        node.restoreOutput(cp.output());
        this.main = QemuIoMain.restore(node, w.stack().target(node), w.commands(), cp.mainPc(), cp.mainFrames(), cp.issued());
        main.restoreCacheMode(cp.cache());
        List<Coroutine> all = new ArrayList<>();
        all.add(main);
        for (CoroutineView v : cp.finished()) {
            all.add(new FinishedCoroutine(v));
        }
        this.scheduler = Scheduler.restore(policy, all, main, cp.step(), cp.readyCounter(), cp.mainReadySince(),
                cp.mainOwed());
        declareAccesses();
        this.imageCache = cp.image();
        this.imageDirty = false;
    }

    /**
     * Makes the driver and the host file declare what they touch to whichever step runs them, so that every
     * step's {@link Step#touches()} is complete without the step's own code listing it.
     */
    private void declareAccesses() {
        Scheduler sch = scheduler;
        long cs = node.driver().clusterSize();
        node.driver().observe(sch::touch);
        file.observe((offset, len, write) -> {
            for (long c = offset / cs; len > 0 && c <= (offset + len - 1) / cs; c++) {
                sch.touch(new Resource.HostCluster(c), write);
            }
        });
    }

    /**
     * A checkpoint of this engine, or null when a request is in flight (only quiescent steps qualify) or a job has
     * written another image (a commit's base, a mirror's target, which the guest may have been pivoted onto), which a
     * checkpoint of the engine's own file cannot restore.
     */
    Checkpoint checkpoint() {
        if (pendingJob != null || (job != null && !job.writtenImages().isEmpty()) || !main.quiescent() || !main.state().canStep() || !scheduler.quiescentExcept(main)
                || !node.idle() || node.driver().detached() || node.pivoted()) {
            return null;
        }
        List<CoroutineView> finished = new ArrayList<>();
        for (Coroutine c : scheduler.coroutines()) {
            if (c != main) {
                finished.add(view(c));
            }
        }
        return new Checkpoint(scheduler.stepIndex(), file.copy(), node.driver().freeClusterIndex(),
                main.commandIndex(), main.frames(), main.commandMap().all(), finished, node.trackedRequests().nextId(), node.output(),
                node.fix(), scheduler.readyCounter(), scheduler.readySince(main.id()), scheduler.owes(main),
                imageView(), main.cacheMode());
    }

    /**
     * Steps under the policy; null when nothing can step. A step taken after the fix was flipped starts its events
     * with {@link EngineEvent.FixToggled} (attributed to the stepping coroutine, as the flip takes effect for the
     * requests that begin from that step on), so recorders and views see flips in the one event stream.
     */
    public Step step() {
        return afterStep(scheduler.step());
    }

    public Step step(int coroutineId) {
        return afterStep(scheduler.step(coroutineId));
    }

    private Step afterStep(Step s) {
        startJobWhenDue();
        return noteMetadata(noteFix(s));
    }

    private Step noteFix(Step s) {
        if (s == null) {
            return null;
        }
        FixVariant v = node.fix();
        if (v == fixAtLastStep) {
            return s;
        }
        fixAtLastStep = v;
        List<EngineEvent> events = new ArrayList<>(s.events().size() + 1);
        events.add(new EngineEvent.FixToggled(s.coroutine(), v));
        events.addAll(s.events());
        return new Step(s.index(), s.coroutine(), s.name(), s.runnable(), s.guestOffset(), s.guestBytes(),
                s.hostOffset(), s.hostBytes(), events, s.narration(), s.touches());
    }

    /** Runs under the policy until nothing can step; returns the number of steps taken. */
    public int runToEnd() {
        int n = 0;
        while (step() != null) {
            n++;
        }
        return n;
    }

    /** Marks the cached image view stale when a step did anything but scheduling and data I/O. */
    private Step noteMetadata(Step s) {
        if (s != null && !imageDirty) {
            for (EngineEvent e : s.events()) {
                if (!(e instanceof EngineEvent.LockAcquired || e instanceof EngineEvent.LockContended
                        || e instanceof EngineEvent.LockReleased || e instanceof EngineEvent.LockDroppedForDataIo
                        || e instanceof EngineEvent.TrackedRequestBegin || e instanceof EngineEvent.TrackedRequestEnd
                        || e instanceof EngineEvent.WaitSerialising || e instanceof EngineEvent.DependencyWait
                        || e instanceof EngineEvent.DataIoSubmitted || e instanceof EngineEvent.DataIoCompleted
                        || e instanceof EngineEvent.RequestStarted || e instanceof EngineEvent.RequestFinished
                        || e instanceof EngineEvent.HostOffsetChosen || e instanceof EngineEvent.FixToggled)) {
                    imageDirty = true;
                    break;
                }
            }
        }
        return s;
    }

    /**
     * Makes this engine headless: it forgets every finished coroutine and command, every frame and every stdout
     * line, so that a workload of any length runs in memory bounded by the requests in flight. Such an engine
     * gives no checkpoint and its snapshots list only the coroutines still running; {@code blockstep run} uses it.
     */
    public Engine forgetFinished() {
        scheduler.forgetFinished();
        main.forgetFinished();
        return this;
    }

    /**
     * For a run whose steps nobody reads (blockstep io prints only qemu-io's output): no step records a footprint,
     * an event or a frame ({@link Scheduler#unobserved()}), and the driver and the file report no accesses. The
     * steps, their order, the output and the image bytes are those of an observed run.
     */
    public Engine unobserved() {
        scheduler.unobserved();
        node.driver().observe((r, write) -> { });
        file.observe(HostFile.Observer.NONE);
        return this;
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

    /** Which coroutine runs each workload command issued so far, as qemu-io's loop recorded it. */
    public CommandMap commands() {
        return main.commandMap();
    }

    /**
     * The guest node's own image file as it stands (live; copy before keeping). A mirror or active commit that
     * pivoted leaves the guest on another image: {@link #guestFile()} is that one, {@link #jobImages()} lists it.
     */
    public HostFile file() {
        return file;
    }

    /** The image the guest reads and writes as it stands: {@link #file()}, or the target a job pivoted it onto. */
    public HostFile guestFile() {
        return node.pivoted() ? node.driver().file() : file;
    }

    /** Every image the run's block job writes besides {@link #file()} (a commit's base, a mirror's target). */
    public List<BlockJob.WrittenImage> jobImages() {
        return job == null ? List.of() : job.writtenImages();
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
        if (c instanceof FinishedCoroutine f) {
            return f.view();
        }
        int id = c.id();
        if (id >= viewCache.length) {
            viewCache = java.util.Arrays.copyOf(viewCache, Math.max(id + 1, viewCache.length * 2));
            viewVersion = java.util.Arrays.copyOf(viewVersion, viewCache.length);
        }
        boolean ser = c instanceof RequestCoroutine r && r.serialising();
        CoroutineView v = viewCache[id];
        if (v == null || viewVersion[id] != c.version() || v.serialising() != ser) {
            String request = c instanceof RequestCoroutine r ? r.request() : "qemu-io";
            int flags = c instanceof RequestCoroutine r
                    ? (ser ? r.flags().with(RequestFlags.SERIALISING) : r.flags()).bits() : 0;
            v = new CoroutineView(id, c.name(), request, c == main ? "qemu-io" : "guest", c.state(), c.phase(),
                    c.blockedOn(), c.frames(), ser, flags);
            viewCache[id] = v;
            viewVersion[id] = c.version();
        }
        return v;
    }

    /** The driver's image view, rebuilt only after a step that may have changed metadata. */
    public ImageView imageView() {
        if (imageDirty || imageCache == null) {
            imageCache = node.driver().imageView();
            imageDirty = false;
        }
        return imageCache;
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
        return new Snapshot(scheduler.stepIndex(), node.fix(), last, cos, node.trackedRequests().views(), lock,
                imageView(), node.stderrLines(), finished, node.driver().clusterAllocViews());
    }
}
