package dev.blockstep.engine.block;

import dev.blockstep.engine.coroutine.Outcome;
import dev.blockstep.engine.coroutine.StepContext;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.qcow2.BackingImage;
import dev.blockstep.engine.qcow2.Qcow2Driver;
import dev.blockstep.engine.qcow2.format.ClusterType;
import dev.blockstep.engine.qcow2.format.ImageFormatException;
import dev.blockstep.engine.snapshot.CoState;
import dev.blockstep.engine.snapshot.Resource;
import dev.blockstep.trace.NodeOptions.DetectZeroes;

/**
 * qemu 7.2's mirror_run (block/mirror.c), for blockdev-mirror {@code sync=full} into a qcow2 target (fresh, or
 * existing with data and perhaps a backing file: every chunk is copied or zeroed, so neither shows through) and for
 * an active block-commit (commit_active_start: the same job with the node's backing image as its target). While it
 * runs a {@code mirror_top} {@link FilterNode} sits above the node. The job marks what to copy in its dirty
 * bitmap (mirror_dirty_init), then loops: it waits for a free slot when 16 ops are in flight, or otherwise runs
 * one {@link #iteration mirror_iteration} over the next dirty area, and sleeps (job_sleep_ns(0) yields). When the
 * bitmap is clean and nothing is in flight it flushes the target and is ready; it is completed at once (the QMP
 * job-complete a client sends on BLOCK_JOB_READY), drains the source, and pivots the guest onto the target.
 *
 * <p>Each op runs as a {@link MirrorOpCoroutine}; mirror_perform enters it and it runs to its first yield before
 * the job goes on. Block status of the source
 * takes s->lock in one step and answers at once. The guest requests that begin after the pivot go to the target's
 * driver on the guest's node; new guest requests are not held at the BlockBackend during the drain as qemu's are:
 * the job waits for the source's tracked requests to end and then looks at the bitmap once more.
 */
public final class MirrorJob extends BlockJob {
    private enum P { INIT, LOOP, CONFLICT, LOCK, STATUS, SLOT, ITERATION_END, READY, DRAIN, PIVOT, DONE }

    private final MirrorState s;
    private final FilterNode filter;
    /** Active commit: the target is the node's backing image. */
    private final boolean commit;
    /** The target's file name: blockdev-mirror's target, or the base an active commit writes. */
    private final String targetName;
    private P p = P.INIT;
    /** Where the dirty-bitmap iterator stands (s->dbi). */
    private long iterPos;
    /** The current iteration: its next offset, chunks left, and its pseudo op. */
    private long offset;
    private long chunksLeft;
    private MirrorOp pseudo;
    /** The op the next mirror_perform launches, decided by block status. */
    private long ioBytes;
    private MirrorOpCoroutine.Method method;
    private int ops;

    private MirrorJob(int id, String name, BlockNode node, MirrorState s, boolean commit, String targetName) {
        super(id, name, node, commit ? "block-commit" : "blockdev-mirror");
        this.s = s;
        this.commit = commit;
        this.targetName = targetName;
        this.filter = new FilterNode(name + "-mirror-top", FilterNode.Kind.MIRROR_TOP, FilterNode.Position.ABOVE_NODE);
        node.insertFilter(filter);
        node.addDirtyBitmap(s.dirty);
        if (s.copyMode == BlockJobSpec.CopyMode.WRITE_BLOCKING) {
            // guest writes no longer mark the bitmap: mirror_top copies them to the target itself
            s.dirty.disable();
            node.writeBlockingMirror(s);
        }
    }

    static BlockJob mirror(int id, String name, BlockNode node, BlockJobSpec.Mirror spec) throws ImageFormatException {
        long size = node.driver().size();
        BlockNode target = spec.openTarget(name, size);
        long granularity = spec.granularity() != 0 ? spec.granularity()
                : Math.min(65536, Math.max(4096, spec.targetClusterSize()));
        long buf = spec.bufSize() != 0 ? spec.bufSize() : MirrorState.MAX_IN_FLIGHT * MirrorState.MAX_IO_BYTES;
        return new MirrorJob(id, name, node, new MirrorState(granularity, roundUp(buf, granularity), size,
                spec.copyMode(), target, true), false, spec.target());
    }

    static BlockJob activeCommit(int id, String name, BlockNode node) throws ImageFormatException {
        if (!(node.driver().backingImage() instanceof BackingImage.Qcow2 below)) {
            throw new ImageFormatException(name + ": block-commit: expected a qcow2 backing image under the active "
                    + "layer, got " + (node.driver().backingFile() == null ? "none" : node.driver().backingFile()));
        }
        if (below.size() < node.driver().size()) {
            throw new ImageFormatException(name + ": block-commit: base " + node.driver().backingFile().name()
                    + " is smaller than the active layer (" + below.size() + " < " + node.driver().size()
                    + " bytes); blockstep does not model growing the base");
        }
        // bdrv_inherited_options opens every child, backing files included, with discard=unmap by default
        BlockNode base = new BlockNode(FixVariant.NONE, true, DetectZeroes.OFF);
        BackingImage underBase = below.driver().backingImage();
        base.attach(Qcow2Driver.open(below.driver().file().copy(), node.driver().backingFile().name(),
                base.eventSink(), underBase == null ? null : link -> underBase));
        long granularity = Math.min(65536, Math.max(4096, base.driver().clusterSize()));
        long buf = MirrorState.MAX_IN_FLIGHT * MirrorState.MAX_IO_BYTES;
        return new MirrorJob(id, name, node, new MirrorState(granularity, roundUp(buf, granularity),
                node.driver().size(), BlockJobSpec.CopyMode.BACKGROUND, base, true), true,
                node.driver().backingFile().name());
    }

    /** The target's driver: a blockdev-mirror's fresh image, or a copy of the base an active commit writes. */
    public Qcow2Driver target() {
        return s.target.driver();
    }

    @Override
    public java.util.List<WrittenImage> writtenImages() {
        return java.util.List.of(new WrittenImage(targetName, s.target.driver()));
    }

    /** The job's granularity (qemu's default, or QMP's). */
    public long granularity() {
        return s.granularity;
    }

    @Override
    public String phase() {
        return switch (p) {
            case INIT -> "mirror_dirty_init";
            case LOOP -> "mirror_run";
            case CONFLICT -> "mirror_wait_on_conflicts";
            case LOCK -> "qemu_co_mutex_lock";
            case STATUS -> "bdrv_block_status_above";
            case SLOT -> "mirror_wait_for_free_in_flight_slot";
            case ITERATION_END -> "job_sleep_ns";
            case READY -> "mirror_flush";
            case DRAIN -> "bdrv_drained_begin";
            case PIVOT -> "mirror_exit_common";
            case DONE -> "done";
        };
    }

    @Override
    protected Outcome runPhase(StepContext cx) {
        s.touch(cx);
        return switch (p) {
            case INIT -> dirtyInit(cx);
            case LOOP -> loopHead(cx);
            case CONFLICT -> conflicts(cx);
            case LOCK -> {
                cx.name("qemu_co_mutex_lock").guest(offset, chunksLeft * s.granularity);
                p = P.STATUS;
                yield lockOrQueue(cx, name() + " queues for s->lock to ask block status.",
                        name() + " takes s->lock to ask block status at guest " + hex(offset) + ".");
            }
            case STATUS -> blockStatus(cx);
            case SLOT -> perform(cx);
            case ITERATION_END -> iterationEnd(cx);
            case READY -> ready(cx);
            case DRAIN -> drain(cx);
            case PIVOT -> pivot(cx);
            case DONE -> throw new IllegalStateException(name() + " is done");
        };
    }

    /**
     * mirror_dirty_init. blockdev-mirror sync=full asks to zero the target first, which a target without
     * BDRV_O_UNMAP cannot do cheaply, so the whole disk is marked dirty; an active commit marks what the node
     * itself allocates (bdrv_is_allocated_above down to the node).
     */
    private Outcome dirtyInit(StepContext cx) {
        // the target's state is one resource of the job's: it never meets the source's metadata or clusters
        s.target.driver().observe((r, write) -> cx.scheduler().touch(Resource.Shared.BLOCK_JOB, true));
        s.target.driver().file().observe((off, len, write) -> cx.scheduler().touch(Resource.Shared.BLOCK_JOB, true));
        cx.name("mirror_dirty_init");
        if (!commit) {
            s.dirty.set(0, bytes);
            cx.narrate(name() + " inserts mirror_top above the node and marks the whole disk dirty: sync=full zeroes "
                    + "a target that cannot write zeroes with unmap by copying every chunk.");
        } else {
            long cs = node.driver().clusterSize();
            for (long g = 0; g < bytes; g += cs) {
                if (node.driver().clusters().map(id(), g).type() != ClusterType.UNALLOCATED) {
                    s.dirty.set(g, Math.min(cs, bytes - g));
                }
            }
            cx.narrate(name() + " inserts mirror_top above the node and marks dirty what the active layer allocates ("
                    + hex(s.dirty.count()) + " bytes).");
        }
        p = P.LOOP;
        return Outcome.CONTINUE;
    }

    /** The head of mirror_run's loop: wait for a slot, start an iteration, or find the job in sync. */
    private Outcome loopHead(StepContext cx) {
        long cnt = s.dirty.count();
        cx.name("mirror_run");
        if (s.inFlight() >= MirrorState.MAX_IN_FLIGHT || s.bufFree() == 0 || cnt == 0 && s.inFlight() > 0) {
            return waitForSlot(cx, "mirror_run");
        }
        if (cnt != 0) {
            offset = s.dirty.next(iterPos);
            if (offset < 0) {
                offset = s.dirty.next(0);
            }
            cx.narrate(name() + " has " + hex(cnt) + " dirty bytes; its iteration starts at guest " + hex(offset)
                    + ".");
            p = P.CONFLICT;
            return Outcome.CONTINUE;
        }
        cx.narrate(name() + " finds the bitmap clean and nothing in flight.");
        p = P.READY;
        return Outcome.CONTINUE;
    }

    /** mirror_wait_for_free_in_flight_slot: sleeps on the first background op in flight. */
    private Outcome waitForSlot(StepContext cx, String where) {
        MirrorOp op = s.anyBackgroundOp();
        MirrorState.waitFor(cx, op);
        cx.narrate(name() + " waits for a free in-flight slot (" + s.inFlight() + " ops in flight).");
        return Outcome.blocked(CoState.WAITING_COMPLETION, where + ": mirror op at guest " + hex(op.offset()));
    }

    /**
     * mirror_iteration up to its block status: wait until no op is in flight on the first dirty chunk, take the
     * dirty chunks that follow it (up to buf-size, stopping at one in flight), clear their dirty bits and claim
     * them under a pseudo op.
     */
    private Outcome conflicts(StepContext cx) {
        cx.name("mirror_wait_on_conflicts").guest(offset, s.granularity);
        MirrorOp busy = s.conflict(null, offset, 1);
        if (busy != null) {
            MirrorState.waitFor(cx, busy);
            cx.narrate(name() + " waits for the op in flight on guest " + hex(busy.offset()) + ".");
            return Outcome.blocked(CoState.WAITING_COMPLETION, "mirror_wait_on_conflicts: guest " + hex(busy.offset()));
        }
        long n = 1;
        while (n * s.granularity < s.bufSize) {
            long next = offset + n * s.granularity;
            if (next >= bytes || !s.dirty.get(next) || s.inFlightAt(next)) {
                break;
            }
            n++;
        }
        iterPos = offset + n * s.granularity;
        s.dirty.reset(offset, n * s.granularity);
        pseudo = new MirrorOp(MirrorOp.Kind.PSEUDO, offset, n * s.granularity);
        s.add(pseudo);
        s.claim(offset, n * s.granularity);
        chunksLeft = n;
        cx.narrate(name() + " claims guest " + hex(offset) + "+" + hex(n * s.granularity) + " (" + n
                + " chunks) and clears their dirty bits.");
        p = P.LOCK;
        return Outcome.CONTINUE;
    }

    /**
     * bdrv_block_status_above on the source for the rest of the area, holding s->lock; decides the op. Its answer
     * ends where the layer that holds the data changes, so one iteration may launch several ops.
     */
    private Outcome blockStatus(StepContext cx) {
        cx.name("qcow2_co_block_status").guest(offset, chunksLeft * s.granularity);
        lockReturned(cx);
        long want = Math.min(chunksLeft * s.granularity, bytes - offset);
        BlockStatusAbove.Answer st = BlockStatusAbove.of(node.driver(), id(), offset, want);
        unlock(cx);
        long io = st.bytes();
        long maxIo = Math.max(s.bufSize / MirrorState.MAX_IN_FLIGHT, MirrorState.MAX_IO_BYTES);
        boolean data = st.status() == BlockStatusAbove.Status.DATA;
        if (data) {
            io = Math.min(io, maxIo);
        }
        io -= io % s.granularity;
        method = MirrorOpCoroutine.Method.COPY;
        if (io < s.granularity) {
            io = s.granularity;
        } else if (!data) {
            long tcs = s.target.driver().clusterSize();
            if (offset % tcs == 0 && (io % tcs == 0 || offset + io >= bytes)) {
                method = MirrorOpCoroutine.Method.ZERO;
            }
        }
        ioBytes = Math.min(io, bytes - offset);
        if (method == MirrorOpCoroutine.Method.COPY) {
            // mirror_co_read copies at most buf-size at a time; mirror_perform goes on after what it handled
            ioBytes = Math.min(ioBytes, s.bufSize);
        }
        cx.narrate(name() + " asks block status at guest " + hex(offset) + ": " + st.status().name().toLowerCase() + " for "
                + hex(ioBytes) + " bytes, so a " + method.name().toLowerCase() + " op.");
        p = P.SLOT;
        return Outcome.CONTINUE;
    }

    /** mirror_perform, after waiting while 16 ops are in flight (or the buffer is short for a copy). */
    private Outcome perform(StepContext cx) {
        long need = method == MirrorOpCoroutine.Method.COPY ? s.chunks(ioBytes) : 0;
        cx.name("mirror_perform").guest(offset, ioBytes);
        if (s.inFlight() >= MirrorState.MAX_IN_FLIGHT || s.bufFree() < need) {
            return waitForSlot(cx, "mirror_iteration");
        }
        MirrorOp op = new MirrorOp(MirrorOp.Kind.BACKGROUND, offset, ioBytes, need > 0);
        s.add(op);
        MirrorOpCoroutine co = new MirrorOpCoroutine(cx.scheduler().nextId(), name() + ".op" + ops++, node, s, op,
                method);
        // mirror_perform enters the op, which runs until it yields (its request submitted) before the job goes on
        cx.scheduler().enter(co);
        cx.narrate(name() + " launches " + co.name() + ": a " + method.name().toLowerCase() + " of guest "
                + hex(offset) + "+" + hex(ioBytes) + "; the op runs until it yields, then the job goes on.");
        offset += ioBytes;
        chunksLeft -= s.chunks(ioBytes);
        p = chunksLeft > 0 && offset < bytes ? P.LOCK : P.ITERATION_END;
        return Outcome.YIELD;
    }

    /** The end of mirror_iteration (the pseudo op leaves and wakes its waiters), then job_sleep_ns(0). */
    private Outcome iterationEnd(StepContext cx) {
        s.end(cx, pseudo);
        pseudo = null;
        cx.name("job_sleep_ns").narrate(name() + "'s iteration has launched its ops; it sleeps.");
        p = P.LOOP;
        return Outcome.YIELD;
    }

    /** In sync: mirror_flush of the target, BLOCK_JOB_READY, and the job-complete that follows it. */
    private Outcome ready(StepContext cx) {
        s.target.driver().flushToOs(id());
        cx.name("mirror_flush").narrate(name() + " flushes the target and is ready; it is completed at once.");
        p = P.DRAIN;
        return Outcome.YIELD;
    }

    /** bdrv_drained_begin on the source: wait for its requests to end, then look at the bitmap once more. */
    private Outcome drain(StepContext cx) {
        cx.name("bdrv_drained_begin");
        MirrorOp active = s.anyOp();
        if (active != null) {
            MirrorState.waitFor(cx, active);
            cx.narrate(name() + " drains the source: it waits for the guest write mirror_top is copying.");
            return Outcome.blocked(CoState.WAITING_COMPLETION, "bdrv_drained_begin: active write at guest "
                    + hex(active.offset()));
        }
        if (!node.trackedRequests().list().isEmpty()) {
            node.awaitDrained(this);
            cx.narrate(name() + " drains the source: it waits for the requests in flight there.");
            return Outcome.blocked(CoState.WAITING_COMPLETION, "bdrv_drained_begin");
        }
        if (s.dirty.count() > 0 || s.inFlight() > 0) {
            cx.narrate(name() + " finds new dirty data after the drain and goes on copying.");
            p = P.LOOP;
            return Outcome.CONTINUE;
        }
        p = P.PIVOT;
        return Outcome.CONTINUE;
    }

    /** mirror_exit_common: mirror_top leaves the graph and the guest's node goes on with the target's driver. */
    private Outcome pivot(StepContext cx) {
        s.target.driver().flushToOs(id());
        node.driver().close(id());
        node.removeFilter(filter);
        node.removeDirtyBitmap(s.dirty);
        node.writeBlockingMirror(null);
        node.pivotTo(s.target);
        cx.name("mirror_exit_common").narrate(name() + " completes: mirror_top leaves the graph and the guest now "
                + "writes " + (commit ? "the base" : "the target") + ".");
        p = P.DONE;
        return finishUntracked(cx);
    }

    private static long roundUp(long v, long to) {
        return (v + to - 1) / to * to;
    }
}
