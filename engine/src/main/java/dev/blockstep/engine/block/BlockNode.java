package dev.blockstep.engine.block;

import dev.blockstep.engine.coroutine.CoMutex;
import dev.blockstep.engine.coroutine.Coroutine;
import dev.blockstep.engine.coroutine.StepContext;
import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.event.EngineEventSink;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.qcow2.Qcow2Driver;
import dev.blockstep.engine.snapshot.Resource;
import dev.blockstep.trace.NodeOptions.DetectZeroes;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The qcow2 node as the block layer sees it: its tracked requests, s->lock, the flush serialisation, the
 * driver, and the live fix variant. Requests read {@link #fix()} once, in their first step.
 */
public final class BlockNode {
    private Qcow2Driver driver;
    private final TrackedRequests trackedRequests = new TrackedRequests();
    private final CoMutex sLock = new CoMutex("s->lock");
    private final FlushState flush = new FlushState(Resource.Shared.FLUSH_QUEUE);
    private final FlushState file = new FlushState(Resource.Shared.FILE_FLUSH_QUEUE);
    private FixVariant fix;
    /** Where the driver's events go during the current step. */
    private Consumer<EngineEvent> eventTarget = e -> { };
    private final List<String> stderr = new ArrayList<>();
    private final List<String> stdout = new ArrayList<>();
    private final List<OutputLine> output = new ArrayList<>();
    /** The filter nodes running jobs have inserted next to this node, oldest first. */
    private final List<FilterNode> filters = new ArrayList<>();
    /** bs->dirty_bitmaps: what writes and discards ending on the node mark. */
    private final List<DirtyBitmap> dirtyBitmaps = new ArrayList<>();
    /** The mirror whose mirror_top copies guest writes to its target (copy-mode write-blocking), or null. */
    private MirrorState writeBlockingMirror;
    /** Whether a job's completion has put another image's driver in place of the node's own. */
    private boolean pivoted;
    /** A job in bdrv_drained_begin, woken when the node's last tracked request ends. */
    private Coroutine drainWaiter;

    /** Commands qemu-io has issued and returned from, at the current point: see {@link OutputLine#group()}. */
    private int outputGroup;
    private boolean forgetStdout;

    /**
     * A line qemu-io would print, in the order printed.
     *
     * @param group   the command (index in qemu-io's list) after whose prompt qemu-io prints the line: the command
     *                running or awaited when it was printed, or the next one when qemu-io was between commands;
     *                the command count for lines printed while closing
     * @param command the command whose request printed the line, or -1
     * @param bytes   for a {@link Kind#REPORT} or {@link Kind#PARSABLE_REPORT}, the byte count print_report states; otherwise 0
     */
    public record OutputLine(Kind kind, String line, int group, int command, long bytes) {
        public boolean stderr() {
            return kind == Kind.STDERR;
        }
    }

    /** What a line is to qemu-io. */
    public enum Kind {
        /** print_report's first line ("wrote 512/512 bytes at offset 0"); its timing line follows it. */
        REPORT,
        /**
         * print_report under -C: the line holds "bytes,ops"; the printer adds ",time,bytes/sec,ops/sec" from the
         * request's wall time.
         */
        PARSABLE_REPORT,
        /** stdout, and the synchronous command that printed it fails (qemu-io exits 1). */
        FAILURE,
        /** stdout that does not change the exit status: an aio completion's failure. */
        NOTICE,
        /** No text: the synchronous command failed without a line of its own (flush_f returns blk_flush's error). */
        SILENT_FAILURE,
        /** stderr, e.g. qcow2's "qcow2_free_clusters failed: Invalid argument". */
        STDERR
    }

    /** BDRV_O_UNMAP: the node was opened with discard=unmap (qemu-io always opens with it). */
    private boolean unmap;
    private DetectZeroes detectZeroes;

    /** A node as qemu-io opens it: BDRV_O_UNMAP, detect-zeroes off. */
    public BlockNode(FixVariant fix) {
        this(fix, true, DetectZeroes.OFF);
    }

    /**
     * @param unmap        BDRV_O_UNMAP ({@code discard=unmap})
     * @param detectZeroes {@code detect-zeroes=} ({@link BlockStack} refuses UNMAP without {@code unmap})
     */
    public BlockNode(FixVariant fix, boolean unmap, DetectZeroes detectZeroes) {
        this.fix = fix;
        this.unmap = unmap;
        this.detectZeroes = detectZeroes;
    }

    /** Whether the node has BDRV_O_UNMAP: without it bdrv_co_pdiscard returns 0 at once. */
    public boolean unmap() {
        return unmap;
    }

    /** BDRV_O_NO_FLUSH (cache=unsafe), which the file node inherits: its flushes never reach the disk. */
    private boolean noFlush;

    /** Opens the node with cache=unsafe's BDRV_O_NO_FLUSH, or without it. */
    public BlockNode noFlush(boolean on) {
        this.noFlush = on;
        return this;
    }

    public boolean noFlush() {
        return noFlush;
    }

    /** BDRV_O_COPY_ON_READ (qemu-io -C): guest reads copy the clusters this image lacks into it. */
    private boolean copyOnRead;

    public BlockNode copyOnRead(boolean on) {
        this.copyOnRead = on;
        return this;
    }

    public boolean copyOnRead() {
        return copyOnRead;
    }

    public DetectZeroes detectZeroes() {
        return detectZeroes;
    }

    /** A drained reopen's discard and detect-zeroes options (bdrv_reopen_prepare's flags and detect_zeroes). */
    public void reopen(boolean unmap, DetectZeroes detectZeroes) {
        this.unmap = unmap;
        this.detectZeroes = detectZeroes;
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

    /** Sends the driver's events into step {@code cx}, its stderr lines also to this node's stderr. */
    void routeEventsTo(StepContext cx) {
        this.eventTarget = e -> {
            cx.event(e);
            if (e instanceof EngineEvent.StderrLine s) {
                stderr(s.line());
            }
        };
    }

    /** A job inserts its filter node (bdrv_append / bdrv_replace_node in qemu). */
    public void insertFilter(FilterNode f) {
        filters.add(f);
    }

    /** The job ends and drops its filter node from the graph. */
    public void removeFilter(FilterNode f) {
        filters.remove(f);
    }

    /** Whether a job's filter of this kind sits next to the node now. */
    public boolean hasFilter(FilterNode.Kind kind) {
        return filters.stream().anyMatch(f -> f.kind() == kind);
    }

    /** A write-blocking mirror's filter starts or stops copying guest writes (null). */
    void writeBlockingMirror(MirrorState m) {
        writeBlockingMirror = m;
    }

    MirrorState writeBlockingMirror() {
        return writeBlockingMirror;
    }

    void addDirtyBitmap(DirtyBitmap b) {
        dirtyBitmaps.add(b);
    }

    void removeDirtyBitmap(DirtyBitmap b) {
        dirtyBitmaps.remove(b);
    }

    /** bdrv_co_write_req_finish's bdrv_set_dirty: a write or discard over the range has ended, failed or not. */
    void writeFinished(StepContext cx, long offset, long bytes) {
        for (DirtyBitmap b : dirtyBitmaps) {
            if (b.enabled()) {
                cx.writes(Resource.Shared.BLOCK_JOB);
                b.set(offset, bytes);
            }
        }
    }

    /** {@code co} sleeps until no tracked request is left on the node (bdrv_drained_begin's poll). */
    void awaitDrained(Coroutine co) {
        drainWaiter = co;
    }

    /** A tracked request has ended: wakes the draining job once none is left. */
    void requestEnded(StepContext cx) {
        if (drainWaiter != null && trackedRequests.list().isEmpty()) {
            cx.scheduler().wake(drainWaiter);
            drainWaiter = null;
        }
    }

    /**
     * A job's completion replaces this node in the graph by {@code target} (bdrv_replace_node): the guest's requests
     * from now on run with the target's driver and its discard option, and the target's driver reports into this
     * node's steps.
     */
    void pivotTo(BlockNode target) {
        this.pivoted = true;
        this.driver = target.driver;
        this.unmap = target.unmap;
        target.eventTarget = e -> this.eventTarget.accept(e);
    }

    /** Whether a mirror or active commit has pivoted the node onto its target, whose driver it now runs. */
    public boolean pivoted() {
        return pivoted;
    }

    /** The filter nodes in the graph around this node now. */
    public List<FilterNode> filters() {
        return List.copyOf(filters);
    }

    public TrackedRequests trackedRequests() {
        return trackedRequests;
    }

    public CoMutex sLock() {
        return sLock;
    }

    /** The variant requests beginning now read. */
    public FixVariant fix() {
        return fix;
    }

    /** Requests that begin after this call get the new variant; those in flight keep theirs. */
    public void setFix(FixVariant v) {
        this.fix = v;
    }

    /** The node's own flush serialisation. */
    FlushState flush() {
        return flush;
    }

    /** The file child's, for its flushes. */
    FlushState file() {
        return file;
    }

    public void stderr(String line) {
        stderr.add(line);
        output.add(new OutputLine(Kind.STDERR, line, outputGroup, -1, 0));
    }

    /** A headless run that prints no stdout keeps none: from now on stdout lines are dropped. */
    void forgetStdout() {
        forgetStdout = true;
    }

    /** A stdout line of qemu-io's; {@code command} is the index of the command whose request prints it, or -1. */
    void stdout(Kind kind, String line, int command, long bytes) {
        if (forgetStdout) {
            return;
        }
        if (kind != Kind.SILENT_FAILURE) {
            stdout.add(line);
        }
        output.add(new OutputLine(kind, line, outputGroup, command, bytes));
    }

    /** qemu-io's loop says which command's prompt the lines printed from now on follow. */
    void outputGroup(int group) {
        outputGroup = group;
    }

    public int outputCount() {
        return output.size();
    }

    /** The i-th line printed (see {@link #outputCount()}), without copying the list. */
    public OutputLine outputLine(int i) {
        return output.get(i);
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
            if (l.kind() != Kind.SILENT_FAILURE) {
                (l.stderr() ? stderr : stdout).add(l.line());
            }
            output.add(l);
        }
    }

    /** No request holds or waits for anything on this node. */
    public boolean idle() {
        return sLock.ownerId() < 0 && sLock.waiterIds().isEmpty() && flush.idle()
                && trackedRequests.list().isEmpty() && driver.clusterAllocs().isEmpty();
    }

    public List<String> stdoutLines() {
        return List.copyOf(stdout);
    }
}
