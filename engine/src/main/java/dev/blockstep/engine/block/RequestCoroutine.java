package dev.blockstep.engine.block;

import dev.blockstep.engine.coroutine.Coroutine;
import dev.blockstep.engine.coroutine.Outcome;
import dev.blockstep.engine.coroutine.StepContext;
import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.qcow2.Qcow2Error;
import dev.blockstep.engine.snapshot.CoState;
import dev.blockstep.engine.snapshot.Resource;

/**
 * A guest request on the qcow2 node, from tracked_request_begin to tracked_request_end. Subclasses are the
 * state machines of qemu's request paths; this class holds what they share.
 */
public abstract class RequestCoroutine extends Coroutine {
    protected final BlockNode node;
    private final String request;
    protected final long offset;
    protected final long bytes;
    protected final RequestFlags flags;
    protected TrackedRequest tracked;
    private boolean lockResumePending;
    private String result = "";
    private RequestListener listener;
    private final CacheFileFlushes cacheFlushes;
    /** The copy to the target a write-blocking mirror_top adds around this guest write, or null. */
    private ActiveMirrorWrite activeWrite;
    /** What the source's request returned, kept while the active write's steps after it run. */
    private String sourceResult;

    /** Told when a request ends, so qemu-io's main loop can print and stop waiting. */
    public interface RequestListener {
        void requestDone(StepContext cx, RequestCoroutine r);
    }

    protected RequestCoroutine(int id, String name, BlockNode node, String request, long offset, long bytes,
                               RequestFlags flags) {
        super(id, name);
        this.node = node;
        this.request = request;
        this.offset = offset;
        this.bytes = bytes;
        this.flags = flags;
        this.cacheFlushes = new CacheFileFlushes(this, node);
    }

    private boolean quiet;
    /** Index in qemu-io's command list, kept so the request's printed lines land under the right prompt. */
    private int commandIndex = -1;
    /** Issued by aio_write: qemu-io's command returned at submission, so a failure does not fail it. */
    private boolean async;

    /** The index of the workload command this coroutine runs (qemu-io's command list), or -1. */
    public int commandIndex() {
        return commandIndex;
    }

    /** Set once by qemu-io's loop when it issues the command. */
    RequestCoroutine runsCommand(int index, boolean aio) {
        this.commandIndex = index;
        this.async = aio;
        return this;
    }

    /** qemu-io's -q: print nothing on completion. */
    public RequestCoroutine quiet(boolean q) {
        this.quiet = q;
        return this;
    }

    /** Whether qemu-io's -q was given. */
    protected boolean quiet() {
        return quiet;
    }

    private boolean parsable;

    /** qemu-io's -C: print_report's machine-parsable form. */
    public RequestCoroutine parsable(boolean p) {
        this.parsable = p;
        return this;
    }

    /** print_report on qemu-io's stdout, unless the command was quiet. */
    protected void report(String op) {
        if (!quiet) {
            node.stdout(parsable ? BlockNode.Kind.PARSABLE_REPORT : BlockNode.Kind.REPORT,
                    parsable ? bytes + ",1" : op + " " + bytes + "/" + bytes + " bytes at offset " + offset, commandIndex, bytes);
        }
    }

    /** A line saying the command failed; an aio completion's failure does not fail qemu-io. */
    protected void failure(String line) {
        node.stdout(async ? BlockNode.Kind.NOTICE : BlockNode.Kind.FAILURE, line, commandIndex, 0);
    }

    /** qemu-io's line when the driver fails this request; flush prints none. */
    protected void failedWith(Qcow2Error e) {
        String op = request.split(" ")[0];
        // aio_read's completion callback is shared with readv and says so
        failure((op.equals("aio_read") ? "readv" : op) + " failed: " + e.strerror());
    }

    /** The guest write passes a write-blocking mirror_top, which copies it to the mirror's target. */
    RequestCoroutine throughMirrorTop(ActiveMirrorWrite w) {
        this.activeWrite = w;
        return this;
    }

    public RequestCoroutine onDone(RequestListener l) {
        this.listener = l;
        return this;
    }

    /** In qemu-io syntax, e.g. "aio_write -z -u 0 65536". */
    public String request() {
        return request;
    }

    public long offset() {
        return offset;
    }

    public long bytes() {
        return bytes;
    }

    public RequestFlags flags() {
        return flags;
    }

    /**
     * Whether the request is serialising: a gate of its fix variant added BDRV_REQ_SERIALISING, or its tracked
     * request was marked. False before it begins.
     */
    public boolean serialising() {
        return serialisingRequested || tracked != null && tracked.serialising();
    }

    public TrackedRequest tracked() {
        return tracked;
    }

    /** What the request returned, e.g. "0" or "-EIO"; empty while running. */
    public String result() {
        return result;
    }

    /** Routes the driver's events into this step (stderr lines also to the node's stderr), then runs it. */
    @Override
    protected final Outcome run(StepContext cx) {
        node.routeEventsTo(cx);
        try {
            if (cacheFlushes.pending()) {
                return cacheFlushes.step(cx);
            }
            if (activeWrite != null && activeWrite.beforeSource()) {
                return activeWrite.prepare(cx, this);
            }
            if (activeWrite != null && activeWrite.afterSource()) {
                Outcome o = activeWrite.after(cx, this);
                return activeWrite.finished() ? complete(cx, sourceResult) : o;
            }
            if (node.driver() == null) {
                return runPhase(cx);
            }
            node.driver().takeFileFlushes();
            Outcome o = runPhase(cx);
            long[] flushes = node.driver().takeFileFlushes();
            // a step that ends blocked, in data I/O or done has left its lock-held section: nothing to flush there
            boolean goesOn = o instanceof Outcome.Continue || o instanceof Outcome.Yield;
            return cacheFlushes.start(cx, goesOn ? flushes : new long[0], o);
        } catch (Qcow2Error e) {
            return failWith(cx, e);
        }
    }

    /**
     * The driver failed (-EIO after a signalled corruption, -ENOMEDIUM once detached, ...): undo what is in
     * flight, release s->lock, end the request and print qemu-io's failure line.
     */
    private Outcome failWith(StepContext cx, Qcow2Error e) {
        abortAfterError(cx);
        if (node.sLock().isOwnedBy(this)) {
            unlock(cx);
        }
        if (e.blockstepLimit()) {
            // qemu names the unsupported feature elsewhere; say which one here, on stderr like qemu's own lines
            node.stderr("blockstep: " + e.getMessage());
        }
        failedWith(e);
        cx.name("request_failed").narrate(name() + " fails with " + e.strerror() + ": " + e.getMessage() + ".");
        return tracked == null ? finishUntracked(cx) : finish(cx, "-" + e.errno());
    }

    /** Gives back what the request holds besides the lock and its tracked request (qcow2_handle_l2meta(false)). */
    protected void abortAfterError(StepContext cx) {
    }

    /** Runs the next phase of this request. */
    protected abstract Outcome runPhase(StepContext cx);

    /**
     * Tries s->lock. True: held now. False: queued; the caller returns {@link #lockBlocked()} and, when it next
     * runs, owns the lock and calls {@link #lockReturned} first.
     */
    protected boolean lock(StepContext cx) {
        if (node.sLock().lock(cx)) {
            return true;
        }
        lockResumePending = true;
        return false;
    }

    /**
     * Takes s->lock, or queues for it: the step is renamed qemu_co_mutex_lock_entry and narrated as queued.
     * Returns what the step returns either way.
     */
    protected Outcome lockOrQueue(StepContext cx, String queuedNarration, String takenNarration) {
        if (!lock(cx)) {
            cx.name("qemu_co_mutex_lock_entry").narrate(queuedNarration);
            return lockBlocked();
        }
        cx.narrate(takenNarration);
        return Outcome.CONTINUE;
    }

    /**
     * The generic layer's split of the rest of the request at {@code pos}: an unaligned head (at most
     * {@code maxHead} bytes), then whole clusters, then the unaligned tail on its own.
     */
    protected long nextClusterPiece(long pos, long maxHead) {
        return nextClusterPiece(offset, bytes, pos, maxHead);
    }

    /** The same split for a part [offset, offset+bytes) of the request (a copy-on-read's run). */
    protected long nextClusterPiece(long offset, long bytes, long pos, long maxHead) {
        long cs = node.driver().clusterSize();
        long left = bytes - pos;
        long head = (offset + pos) % cs;
        long tail = (offset + bytes) % cs;
        if (head != 0) {
            return Math.min(Math.min(left, maxHead), cs - head);
        }
        return tail != 0 && left > cs ? left - tail : left;
    }

    protected Outcome lockBlocked() {
        return node.sLock().blocked();
    }

    /** Records qemu_co_mutex_lock_return when this step resumes a contended lock. */
    protected void lockReturned(StepContext cx) {
        if (lockResumePending) {
            lockResumePending = false;
            cx.event(new EngineEvent.LockAcquired(id(), node.sLock().name(), true));
        }
    }

    protected void unlock(StepContext cx) {
        node.sLock().unlock(cx);
    }

    /**
     * The fix variant the request runs under: read once, in its first step, so that a request in flight keeps the
     * gates it began with when the variant changes between steps.
     */
    protected FixVariant fix = FixVariant.NONE;

    /** Reads the node's variant; the first step of every request calls it before any gate is asked. */
    protected void readFix() {
        fix = node.fix();
    }

    /**
     * tracked_request_begin. {@code serialising}: a gate of the request's variant added BDRV_REQ_SERIALISING on
     * the way here; bdrv_co_write_req_prepare acts on it.
     */
    protected void beginTracked(StepContext cx, TrackedRequestType type, boolean serialising) {
        tracked = node.trackedRequests().begin(cx, offset, bytes, type);
        cx.event(new EngineEvent.RequestStarted(id(), name(), request));
        serialisingRequested = serialising;
    }

    protected boolean serialisingRequested;

    /** bdrv_co_pwritev_part's gate, on the flags the request entered with. */
    protected boolean gatedAtPwritev() {
        return fix.serialisesAtPwritev(flags.has(RequestFlags.ZERO_WRITE), flags.has(RequestFlags.MAY_UNMAP));
    }

    /** Narration for a request its variant's gate marked: "; fix variant patch marks it serialising." */
    protected String gateNarration() {
        return serialisingRequested ? "; fix variant " + fix.id() + " marks it serialising." : ".";
    }

    /**
     * bdrv_co_write_req_prepare's wait: with BDRV_REQ_SERIALISING, mark serialising with cluster alignment
     * and wait (no fast path); otherwise bdrv_wait_serialising_requests with its fast path.
     */
    protected Outcome prepareWait(StepContext cx) {
        if (serialisingRequested && !tracked.serialising()) {
            node.trackedRequests().setSerialising(tracked, node.driver().clusterSize());
        }
        return node.trackedRequests().waitSerialising(cx, tracked, !serialisingRequested);
    }

    /** bdrv_co_pwritev_part's entry for a write: the variant is read and a WRITE tracked request begins. */
    protected void enterPwritev(StepContext cx) {
        readFix();
        beginTracked(cx, TrackedRequestType.WRITE, gatedAtPwritev());
        cx.name("bdrv_co_pwritev_part").guest(offset, bytes).narrate(name() + " enters the block layer with flags "
                + flags.hex() + " and registers tracked request #" + tracked.id() + gateNarration());
    }

    /** bdrv_co_write_req_prepare's step: its wait, narrated, or null when the write goes on. */
    protected Outcome writeReqPrepareWait(StepContext cx) {
        cx.name("bdrv_co_write_req_prepare").guest(offset, bytes);
        Outcome w = prepareWait(cx);
        if (w != null) {
            cx.narrate(name() + " overlaps serialising request #" + tracked.waitingFor().id()
                    + " and waits for it to end.");
        }
        return w;
    }

    /** A write's last step: tracked_request_end, qemu-io's "wrote" report, the completion callback. */
    protected Outcome endWrite(StepContext cx) {
        cx.name("tracked_request_end").guest(offset, bytes)
                .narrate(name() + " ends tracked request #" + tracked.id() + " and completes.");
        report("wrote");
        return finish(cx, "0");
    }

    /** tracked_request_end, then the completion callback. */
    protected Outcome finish(StepContext cx, String ret) {
        if (tracked.type() == TrackedRequestType.WRITE || tracked.type() == TrackedRequestType.DISCARD) {
            node.writeFinished(cx, offset, bytes);
        }
        node.trackedRequests().end(cx, tracked);
        node.requestEnded(cx);
        if (activeWrite != null) {
            activeWrite.sourceDone(ret.equals("0"));
            sourceResult = ret;
            return Outcome.CONTINUE;
        }
        return complete(cx, ret);
    }

    /** The request's completion: its result, its end event, and the completion callback. */
    private Outcome complete(StepContext cx, String ret) {
        result = ret;
        cx.event(new EngineEvent.RequestFinished(id(), ret));
        if (listener != null) {
            listener.requestDone(cx, this);
        }
        return Outcome.DONE;
    }

    /** Completion of a request that was never tracked (flush). */
    protected Outcome finishUntracked(StepContext cx) {
        result = "0";
        cx.event(new EngineEvent.RequestFinished(id(), "0"));
        if (listener != null) {
            listener.requestDone(cx, this);
        }
        return Outcome.DONE;
    }

    /**
     * Issues {@code r} and blocks until it ends. qemu runs such a request in the issuer's own coroutine (a job's,
     * a mirror operation's); here it is a coroutine of its own the issuer waits for, so the steps and their order
     * are the same.
     */
    protected final Outcome issueAndWait(StepContext cx, RequestCoroutine r, String waitingIn) {
        r.onDone((c, done) -> {
            c.writes(new Resource.CoroutineState(id()));
            c.scheduler().wake(this);
        });
        cx.scheduler().spawn(r);
        return Outcome.blocked(CoState.WAITING_COMPLETION, waitingIn + " (" + r.name() + ")");
    }

    protected static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
