package dev.blockstep.engine.block;

import dev.blockstep.engine.coroutine.Outcome;
import dev.blockstep.engine.coroutine.StepContext;
import dev.blockstep.engine.qcow2.Qcow2Driver;
import dev.blockstep.engine.qcow2.Qcow2Error;

/**
 * qemu-io's {@code truncate}: blk_truncate, then bdrv_co_truncate: the size checks, a TRUNCATE tracked request
 * over the new area (serialising when the disk grows, so no write lands there meanwhile), a zero fill of the new
 * area when a backing file is longer than the old size, then qcow2_co_truncate under s->lock, its unaligned head
 * written as zeros with the lock dropped, and the new size in the header. Failures print qemu's error line on
 * stderr, as error_report does, and nothing on stdout.
 */
public final class TruncateRequest extends RequestCoroutine {
    /** BDRV_MAX_LENGTH: INT64_MAX aligned down to 1 GiB. */
    private static final long MAX_LENGTH = Long.MAX_VALUE & ~((1L << 30) - 1);

    private enum P { BEGIN, PREPARE, LOCK, RESIZE, HEAD, RELOCK, SIZE, END, DONE }

    private P p = P.BEGIN;
    private final long newSize;
    private final String prealloc;
    private long oldSize;
    private Qcow2Writev head;

    public TruncateRequest(int id, String name, BlockNode node, String request, long newSize, String prealloc) {
        super(id, name, node, request, 0, 0, RequestFlags.NONE);
        this.newSize = newSize;
        this.prealloc = prealloc;
    }

    @Override
    public String phase() {
        return switch (p) {
            case BEGIN -> "bdrv_co_truncate";
            case PREPARE -> "bdrv_co_write_req_prepare";
            case LOCK, RELOCK -> "qemu_co_mutex_lock";
            case RESIZE, SIZE -> "qcow2_co_truncate";
            case HEAD -> head.phase();
            case END -> "tracked_request_end";
            case DONE -> "done";
        };
    }

    @Override
    protected void abortAfterError(StepContext cx) {
        if (head != null) {
            head.abort(cx);
        }
    }

    /** bdrv_co_truncate's checks: error_report's line on stderr; qemu-io's exit status says it failed. */
    @Override
    protected void failedWith(Qcow2Error e) {
        node.stderr("qemu-io: " + e.getMessage());
        node.stdout(BlockNode.Kind.SILENT_FAILURE, "", commandIndex(), 0);
    }

    @Override
    protected Outcome runPhase(StepContext cx) {
        Qcow2Driver d = node.driver();
        long grows = Math.max(0, newSize - oldSize);
        switch (p) {
            case BEGIN -> {
                cx.name("bdrv_co_truncate");
                if (d.detached()) {
                    throw new Qcow2Error(Qcow2Error.ENOMEDIUM, "No medium inserted");
                }
                if (newSize > MAX_LENGTH) {
                    throw new Qcow2Error(Qcow2Error.EIO, "offset(" + newSize + ") exceeds maximum(" + MAX_LENGTH + ")");
                }
                oldSize = d.size();
                long added = Math.max(0, newSize - oldSize);
                tracked = node.trackedRequests().begin(cx, newSize - added, added, TrackedRequestType.TRUNCATE);
                if (added > 0) {
                    node.trackedRequests().setSerialising(tracked, 1);
                }
                cx.narrate(name() + " registers tracked request #" + tracked.id() + " to change the disk size from "
                        + oldSize + " to " + newSize + " bytes.");
                p = P.PREPARE;
                return Outcome.CONTINUE;
            }
            case PREPARE -> {
                cx.name("bdrv_co_write_req_prepare");
                Outcome w = node.trackedRequests().waitSerialising(cx, tracked, !tracked.serialising());
                if (w != null) {
                    cx.narrate(name() + " overlaps request #" + tracked.waitingFor().id() + " and waits for it.");
                    return w;
                }
                p = P.LOCK;
                return Outcome.CONTINUE;
            }
            case LOCK -> {
                cx.name("qemu_co_mutex_lock");
                p = P.RESIZE;
                return lockOrQueue(cx, name() + " queues for s->lock.", name() + " takes s->lock.");
            }
            case RESIZE -> {
                lockReturned(cx);
                cx.name("qcow2_co_truncate");
                // a backing file that would show through the new area: bdrv_co_truncate asks for it to read as zero
                boolean zeroNew = grows > 0 && d.backingImage() != null && d.backingImage().size() > oldSize;
                Qcow2Driver.GuestRange h;
                try {
                    h = d.truncate(id(), newSize, prealloc, zeroNew);
                } catch (Qcow2Error e) {
                    // qcow2_co_truncate's error_setg: qemu-io prints it (blockstep's own refusals say so instead)
                    unlock(cx);
                    String m = e.getMessage();
                    node.stderr(m.startsWith("blockstep: ") ? m : "qemu-io: " + m);
                    node.stdout(BlockNode.Kind.SILENT_FAILURE, "", commandIndex(), 0);
                    cx.narrate(name() + " fails: " + m + ".");
                    p = P.DONE;
                    return finish(cx, "-" + e.errno());
                }
                if (h != null) {
                    unlock(cx);
                    head = new Qcow2Writev(this, node, h.offset(), h.bytes(), 0);
                    p = P.HEAD;
                    cx.narrate(name() + " drops s->lock to write zeros over the new area's first partial cluster.");
                    return Outcome.YIELD;
                }
                p = P.SIZE;
                cx.narrate(name() + " has resized the tables under s->lock.");
                return Outcome.CONTINUE;
            }
            case HEAD -> {
                Outcome o = head.step(cx);
                if (head.finished()) {
                    p = P.RELOCK;
                }
                return o;
            }
            case RELOCK -> {
                cx.name("qemu_co_mutex_lock");
                p = P.SIZE;
                return lockOrQueue(cx, name() + " queues for s->lock.", name() + " takes s->lock again.");
            }
            case SIZE -> {
                lockReturned(cx);
                cx.name("qcow2_co_truncate");
                d.setSize(id(), newSize);
                unlock(cx);
                p = P.END;
                cx.narrate(name() + " writes the new size, " + newSize + " bytes, into the header.");
                return Outcome.YIELD;
            }
            case END -> {
                cx.name("tracked_request_end").narrate(name() + " ends tracked request #" + tracked.id() + ".");
                p = P.DONE;
                return finish(cx, "0");
            }
            default -> throw new IllegalStateException(name() + " is done");
        }
    }
}
