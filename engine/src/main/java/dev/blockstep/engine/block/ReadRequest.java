package dev.blockstep.engine.block;

import dev.blockstep.engine.coroutine.Outcome;
import dev.blockstep.engine.coroutine.StepContext;
import dev.blockstep.engine.qcow2.Qcow2Driver;
import java.util.List;

/**
 * A guest read (qemu-io {@code read [-P pattern]}): tracked as READ, waits only for serialising requests,
 * looks up each chunk under s->lock and reads the data without it. Clusters unallocated in an image with a
 * backing file are read by qcow2_co_preadv_task through bdrv_co_preadv_part on the backing child, a request of
 * its own that yields for its I/O, so each such run is a submit step and a completion step here. qemu issues
 * the chunks in offset order (in parallel from an aio task pool when there are several); here the image's own
 * data comes first, then the backing runs, and a chain below the backing image is read in the backing's step.
 */
public final class ReadRequest extends RequestCoroutine {
    private enum P { BEGIN, PREPARE, COR_LOCK, COR_STATUS, COR_COPY, LOCK, LOOKUP, DATA_DONE, BACKING, BACKING_DONE,
        END, DONE }

    private P p = P.BEGIN;
    private final int pattern;
    private final byte[] buf;
    private long checkOffset;
    private long checkLength;
    private boolean dump;
    /** The runs read from the backing child, found by the lookup; {@link #run} is the next one. */
    private List<Qcow2Driver.GuestRange> backingRuns = List.of();
    private int run;
    /** Where the driver reads: the guest offset, or the VM state area's offset plus it for read -b. */
    private long at;
    /** BDRV_REQ_COPY_ON_READ (the node was opened with BDRV_O_COPY_ON_READ, qemu-io -C). */
    private boolean copyOnRead;
    private CopyOnReadRuns copy;

    /** @param pattern byte to verify, or -1 */
    public ReadRequest(int id, String name, BlockNode node, String request, long offset, int bytes, int pattern) {
        super(id, name, node, request, offset, bytes, RequestFlags.NONE);
        this.pattern = pattern;
        this.buf = new byte[bytes];
        this.checkLength = bytes;
        this.at = offset;
    }

    /**
     * read -b: blk_load_vmstate, which calls qcow2's bdrv_co_preadv_part at the VM state area's {@code areaOffset}
     * plus the offset, with no tracked request and no check against the disk size.
     */
    public ReadRequest vmstate(long areaOffset) {
        this.at = areaOffset + offset;
        this.p = bytes == 0 ? P.END : P.LOCK;
        this.copyOnRead = false;
        return this;
    }

    /**
     * bdrv_aligned_preadv with BDRV_REQ_COPY_ON_READ: the request is made serialising with cluster alignment, then
     * the clusters of the range that this image lacks are copied into it ({@link CopyOnReadRuns}) before the data is
     * read; blockstep then reads the range from the image, which by then holds what the bounce buffer held.
     */
    public ReadRequest copyOnRead() {
        this.copyOnRead = true;
        return this;
    }

    /** read -s/-l: verify only [from, from+len) of the data; read -v: hex-dump it before the report. */
    public ReadRequest checking(long from, long len, boolean hexDump) {
        this.checkOffset = from;
        this.checkLength = len;
        this.dump = hexDump;
        return this;
    }

    /** The bytes read (complete once the request is done). */
    public byte[] data() {
        return buf.clone();
    }

    @Override
    public String phase() {
        return switch (p) {
            case BEGIN -> "bdrv_co_preadv_part";
            case PREPARE -> copyOnRead ? "bdrv_make_request_serialising" : "bdrv_wait_serialising_requests";
            case COR_LOCK -> "qemu_co_mutex_lock";
            case COR_STATUS -> "bdrv_co_do_copy_on_readv";
            case COR_COPY -> copy.phase();
            case LOCK -> "qemu_co_mutex_lock";
            case LOOKUP -> "qcow2_co_preadv_part";
            case DATA_DONE, BACKING_DONE -> "thread_pool_complete";
            case BACKING -> "bdrv_co_preadv_part";
            case END -> "tracked_request_end";
            case DONE -> "done";
        };
    }

    @Override
    protected void abortAfterError(StepContext cx) {
        if (p == P.COR_COPY) {
            copy.abort(cx);
        }
    }

    @Override
    protected Outcome runPhase(StepContext cx) {
        String n = name();
        switch (p) {
            case BEGIN -> {
                beginTracked(cx, TrackedRequestType.READ, copyOnRead);
                cx.name("bdrv_co_preadv_part").guest(offset, bytes)
                        .narrate(n + " enters the block layer and registers tracked request #" + tracked.id() + ".");
                p = P.PREPARE;
                return Outcome.CONTINUE;
            }
            case PREPARE -> {
                cx.name(phase()).guest(offset, bytes);
                Outcome w = prepareWait(cx);
                if (w != null) {
                    cx.narrate(n + " overlaps serialising request #" + tracked.waitingFor().id() + " and waits.");
                    return w;
                }
                cx.narrate(n + " goes on to the driver.");
                p = bytes == 0 ? P.END : copyOnRead ? P.COR_LOCK : P.LOCK;
                return Outcome.CONTINUE;
            }
            case COR_LOCK -> {
                cx.name("qemu_co_mutex_lock").guest(offset, bytes);
                p = P.COR_STATUS;
                return lockOrQueue(cx, n + " queues for s->lock.", n + " takes s->lock to ask which clusters the "
                        + "image lacks.");
            }
            case COR_STATUS -> {
                lockReturned(cx);
                copy = new CopyOnReadRuns(this, node, node.driver().copyOnReadRuns(id(), offset, bytes));
                unlock(cx);
                cx.name("bdrv_co_do_copy_on_readv").guest(offset, bytes).narrate(n + (copy.finished()
                        ? " finds every cluster allocated in the image; nothing to copy." : " copies the clusters the "
                        + "image lacks into it before it reads."));
                p = copy.finished() ? P.LOCK : P.COR_COPY;
                return Outcome.CONTINUE;
            }
            case COR_COPY -> {
                Outcome o = copy.step(cx);
                if (copy.finished()) {
                    p = P.LOCK;
                }
                return o;
            }
            case LOCK -> {
                cx.name("qemu_co_mutex_lock").guest(offset, bytes);
                p = P.LOOKUP;
                return lockOrQueue(cx, n + " queues for s->lock.",
                        n + " takes s->lock to look up where guest " + hex(offset) + " lives.");
            }
            case LOOKUP -> {
                lockReturned(cx);
                backingRuns = node.driver().backingRuns(id(), at, bytes);
                unlock(cx);
                cx.name("qcow2_co_preadv_part").guest(offset, bytes);
                if (backingBytes() == bytes) {
                    cx.narrate(n + " finds guest " + hex(offset) + " unallocated in this image, releases s->lock "
                            + "and reads it from the backing file.");
                    p = P.BACKING;
                    return Outcome.CONTINUE;
                }
                cx.narrate(n + " looks up where guest " + hex(offset) + " lives, releases s->lock and submits its read.");
                p = P.DATA_DONE;
                return Outcome.IN_DATA_IO;
            }
            case DATA_DONE -> {
                // The driver looks up and reads in one call, so the lookup is repeated here, at completion.
                node.driver().readOwn(id(), at, buf, 0, (int) bytes);
                cx.name("thread_pool_complete").guest(offset, bytes).narrate(n + "'s read completes.");
                p = run < backingRuns.size() ? P.BACKING : P.END;
                return Outcome.CONTINUE;
            }
            case BACKING -> {
                Qcow2Driver.GuestRange r = backingRuns.get(run);
                cx.name("bdrv_co_preadv_part").guest(r.offset(), r.bytes()).narrate(n + " reads guest "
                        + hex(r.offset()) + " through the backing child " + node.driver().backingFile().name()
                        + ", a request of its own that waits for its I/O.");
                p = P.BACKING_DONE;
                return Outcome.IN_DATA_IO;
            }
            case BACKING_DONE -> {
                Qcow2Driver.GuestRange r = backingRuns.get(run++);
                node.driver().readBacking(id(), r, buf, (int) (r.offset() - at));
                cx.name("thread_pool_complete").guest(r.offset(), r.bytes())
                        .narrate(n + "'s read of guest " + hex(r.offset()) + " from the backing file completes.");
                p = run < backingRuns.size() ? P.BACKING : P.END;
                return Outcome.CONTINUE;
            }
            case END -> {
                cx.name(tracked == null ? "bdrv_co_readv_vmstate" : "tracked_request_end").guest(offset, bytes)
                        .narrate(tracked == null ? n + " completes." : n + " ends tracked request #" + tracked.id()
                                + " and completes.");
                p = P.DONE;
                if (pattern >= 0 && !allEqual(buf, (int) checkOffset, (int) checkLength, (byte) pattern)) {
                    // qemu-io names the checked range, not the first differing byte
                    failure("Pattern verification failed at offset " + (offset + checkOffset) + ", " + checkLength
                            + " bytes");
                }
                if (dump && !quiet()) {
                    for (String line : HexDump.lines(buf, offset)) {
                        node.stdout(BlockNode.Kind.NOTICE, line, commandIndex(), 0);
                    }
                }
                report("read");
                return tracked == null ? finishUntracked(cx) : finish(cx, "0");
            }
            default -> throw new IllegalStateException(n + " is done");
        }
    }

    private long backingBytes() {
        return backingRuns.stream().mapToLong(Qcow2Driver.GuestRange::bytes).sum();
    }

    private static boolean allEqual(byte[] b, int from, int len, byte p) {
        for (int i = from; i < from + len; i++) {
            if (b[i] != p) {
                return false;
            }
        }
        return true;
    }
}
