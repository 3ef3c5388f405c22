package dev.blockstep.engine.block;

import dev.blockstep.engine.coroutine.Outcome;
import dev.blockstep.engine.coroutine.StepContext;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.trace.NodeOptions;
import dev.blockstep.trace.NodeOptions.DetectZeroes;

/**
 * A guest write (qemu-io {@code write}/{@code aio_write -P}, the NBD server's WRITE): bdrv_co_pwritev_part,
 * tracked_request_begin, bdrv_co_write_req_prepare, then bdrv_aligned_pwritev's driver call: the qcow2 write, or,
 * when the node's detect-zeroes finds the buffer all zero, bdrv_co_do_pwrite_zeroes (with MAY_UNMAP under
 * detect-zeroes=unmap); the FUA flush; tracked_request_end. A gate at bdrv_co_pwritev_part never makes a data write
 * serialising: the detect-zeroes conversion comes after bdrv_co_write_req_prepare, so a converted write stays
 * non-serialising and waits only for serialising requests, unless its variant also gates bdrv_aligned_pwritev
 * after the conversion ({@link FixVariant#serialisesDetectedZeroes()}): then bdrv_make_request_serialising marks
 * it with the cluster size and it waits for every overlapping request before zeroing.
 */
public final class WriteRequest extends RequestCoroutine {
    private enum P { BEGIN, PREPARE, DETECTED_WAIT, WRITEV, ZEROES, FUA, END, DONE }

    /** The step of a wait after detect-zeroes made the write serialising. */
    static final String MAKE_SERIALISING = "bdrv_make_request_serialising";

    private P p = P.BEGIN;
    private final int pattern;
    private final Qcow2Writev writev;
    /** The zero write detect-zeroes turned this write into, or null. */
    private PwriteZeroes zeroes;
    private final Flush flush;

    public WriteRequest(int id, String name, BlockNode node, String request, long offset, int bytes, int pattern,
                        RequestFlags flags) {
        super(id, name, node, request, offset, bytes, flags);
        this.pattern = pattern;
        this.writev = new Qcow2Writev(this, node, offset, bytes, pattern);
        this.flush = new Flush(this, node);
    }

    /**
     * blk_co_pwrite of {@code data} with no flags, as a block job writes its target (a commit's base): the bytes
     * come from the job's buffer, not from one pattern, and nothing is printed.
     */
    public WriteRequest(int id, String name, BlockNode node, long offset, byte[] data) {
        super(id, name, node, "write " + offset + " " + data.length, offset, data.length, RequestFlags.NONE);
        // never all-zero by pattern: detect-zeroes is off on a job's target, so the pattern is never asked
        this.pattern = 1;
        this.writev = new Qcow2Writev(this, node, offset, data);
        this.flush = new Flush(this, node);
        quiet(true);
    }

    /**
     * blk_co_pwritev_part of {@code data} with {@code flags}, printed as qemu-io prints a write: qemu-io's
     * {@code write -s FILE}, whose buffer holds the file's bytes. detect-zeroes looks at every byte.
     */
    public WriteRequest(int id, String name, BlockNode node, String request, long offset, byte[] data,
                        RequestFlags flags) {
        super(id, name, node, request, offset, data.length, flags);
        this.pattern = allZero(data) ? 0 : 1;
        this.writev = new Qcow2Writev(this, node, offset, data);
        this.flush = new Flush(this, node);
    }

    private static boolean allZero(byte[] data) {
        for (byte b : data) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String phase() {
        return switch (p) {
            case BEGIN -> "bdrv_co_pwritev_part";
            case PREPARE -> "bdrv_co_write_req_prepare";
            case DETECTED_WAIT -> MAKE_SERIALISING;
            case WRITEV -> writev.phase();
            case ZEROES -> zeroes.phase();
            case FUA -> flush.phase();
            case END -> "tracked_request_end";
            case DONE -> "done";
        };
    }

    public boolean lockDroppedWithDecision() {
        return p == P.WRITEV && writev.lockDroppedWithDecision();
    }

    @Override
    protected void abortAfterError(StepContext cx) {
        if (zeroes != null) {
            zeroes.abort(cx);
        } else {
            writev.abort(cx);
        }
    }

    /** The flags bdrv_aligned_pwritev goes on with: detect-zeroes may have added ZERO_WRITE (and MAY_UNMAP). */
    public RequestFlags driverFlags() {
        return zeroes == null ? flags : detected();
    }

    /**
     * bdrv_aligned_pwritev's test: detect-zeroes is on, the write is not already a zero write, qcow2 has
     * bdrv_co_pwrite_zeroes, and every byte of the buffer is zero (qemu-io fills it with the pattern byte).
     */
    private boolean detectsZeroes() {
        return node.detectZeroes() != DetectZeroes.OFF && !flags.has(RequestFlags.ZERO_WRITE) && bytes > 0
                && (pattern & 0xff) == 0;
    }

    private RequestFlags detected() {
        RequestFlags f = flags.with(RequestFlags.ZERO_WRITE);
        return node.detectZeroes() == DetectZeroes.UNMAP ? f.with(RequestFlags.MAY_UNMAP) : f;
    }

    @Override
    protected Outcome runPhase(StepContext cx) {
        switch (p) {
            case BEGIN -> {
                enterPwritev(cx);
                p = P.PREPARE;
                return Outcome.CONTINUE;
            }
            case PREPARE -> {
                Outcome w = writeReqPrepareWait(cx);
                if (w != null) {
                    return w;
                }
                if (detectsZeroes()) {
                    // after the serialising decision, so a fix that looks at the entry flags does not see it
                    zeroes = new PwriteZeroes(this, node, offset, bytes, detected());
                    String converted = name() + " has no serialising request to wait for; its buffer is all zero, so "
                            + "detect-zeroes=" + NodeOptions.jsonName(node.detectZeroes()) + " turns it into a zero "
                            + "write with flags " + detected().hex();
                    if (!fix.serialisesDetectedZeroes()) {
                        cx.narrate(converted + ".");
                        p = P.ZEROES;
                        return Outcome.CONTINUE;
                    }
                    // the gate after the conversion: bdrv_make_request_serialising, then its wait
                    node.trackedRequests().setSerialising(tracked, node.driver().clusterSize());
                    cx.narrate(converted + "; fix variant " + fix.id() + " marks it serialising.");
                    return waitAfterDetection(cx);
                }
                cx.narrate(name() + " has no serialising request to wait for and goes on to the driver.");
                p = P.WRITEV;
                return Outcome.CONTINUE;
            }
            case DETECTED_WAIT -> {
                cx.name(MAKE_SERIALISING).guest(offset, bytes);
                return waitAfterDetection(cx);
            }
            case ZEROES -> {
                Outcome o = zeroes.step(cx);
                if (zeroes.finished()) {
                    p = flags.has(RequestFlags.FUA) ? P.FUA : P.END;
                }
                return o;
            }
            case WRITEV -> {
                Outcome o = writev.step(cx);
                if (writev.finished()) {
                    p = flags.has(RequestFlags.FUA) ? P.FUA : P.END;
                }
                return o;
            }
            case FUA -> {
                Outcome o = flush.step(cx);
                if (flush.finished()) {
                    p = P.END;
                }
                return o;
            }
            case END -> {
                p = P.DONE;
                return endWrite(cx);
            }
            default -> throw new IllegalStateException(name() + " is done");
        }
    }

    /** bdrv_make_request_serialising's wait: for every overlapping request, serialising or not. */
    private Outcome waitAfterDetection(StepContext cx) {
        Outcome w = node.trackedRequests().waitSerialising(cx, tracked, false);
        if (w != null) {
            cx.narrate(name() + " overlaps request #" + tracked.waitingFor().id() + " of "
                    + tracked.waitingFor().owner().name() + " and waits for it to end.");
            p = P.DETECTED_WAIT;
            return w;
        }
        p = P.ZEROES;
        return Outcome.CONTINUE;
    }
}
