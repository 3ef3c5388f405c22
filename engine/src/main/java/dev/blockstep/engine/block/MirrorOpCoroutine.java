package dev.blockstep.engine.block;

import dev.blockstep.engine.coroutine.Outcome;
import dev.blockstep.engine.coroutine.StepContext;

/**
 * The coroutine mirror_perform creates for one background op: mirror_co_read (read the source below mirror_top,
 * then blk_co_pwritev on the target, flags 0), mirror_co_zero (blk_co_pwrite_zeroes on the target, with
 * MAY_UNMAP when the job unmaps; the blk path keeps it even on a target without BDRV_O_UNMAP); then
 * mirror_iteration_done frees its chunks and slot and wakes its waiters. Each request it issues is a coroutine of
 * its own that it waits for.
 */
final class MirrorOpCoroutine extends RequestCoroutine {
    /** MirrorMethod. */
    enum Method { COPY, ZERO }

    private enum P { START, READ_DONE, WRITTEN, DONE }

    private final MirrorState s;
    private final MirrorOp op;
    private final Method method;
    private P p = P.START;
    private ReadRequest read;

    MirrorOpCoroutine(int id, String name, BlockNode source, MirrorState s, MirrorOp op, Method method) {
        super(id, name, source, "mirror " + method.name().toLowerCase() + " " + op.offset() + " " + op.bytes(),
                op.offset(), op.bytes(), RequestFlags.NONE);
        this.s = s;
        this.op = op;
        this.method = method;
    }

    @Override
    public String phase() {
        return switch (p) {
            case START -> switch (method) {
                case COPY -> "mirror_co_read";
                case ZERO -> "mirror_co_zero";
            };
            case READ_DONE -> "mirror_read_complete";
            case WRITTEN -> "mirror_iteration_done";
            case DONE -> "done";
        };
    }

    @Override
    protected Outcome runPhase(StepContext cx) {
        String n = name();
        switch (p) {
            case START -> {
                int id = cx.scheduler().nextId();
                cx.name(phase()).guest(offset, bytes);
                p = method == Method.COPY ? P.READ_DONE : P.WRITTEN;
                return switch (method) {
                    case COPY -> {
                        read = new ReadRequest(id, n + ".read", node, "read " + offset + " " + bytes, offset,
                                (int) bytes, -1);
                        read.quiet(true);
                        cx.narrate(n + " reads guest " + hex(offset) + "+" + hex(bytes) + " from the source below "
                                + "mirror_top with " + read.name() + " and waits for it.");
                        yield issueAndWait(cx, read, "bdrv_co_preadv");
                    }
                    case ZERO -> {
                        RequestFlags f = s.unmap ? RequestFlags.of(RequestFlags.MAY_UNMAP) : RequestFlags.NONE;
                        ZeroWriteRequest z = new ZeroWriteRequest(id, n + ".zero", s.target,
                                "write -z " + offset + " " + bytes, offset, bytes, f);
                        z.quiet(true);
                        cx.narrate(n + " writes zeroes over guest " + hex(offset) + "+" + hex(bytes) + " of the "
                                + "target with " + z.name() + " (flags " + z.flags().hex() + ") and waits for it.");
                        yield issueAndWait(cx, z, "blk_co_pwrite_zeroes");
                    }
                };
            }
            case READ_DONE -> {
                WriteRequest w = new WriteRequest(cx.scheduler().nextId(), n + ".write", s.target, offset,
                        read.data());
                read = null;
                cx.name("mirror_read_complete").guest(offset, bytes).narrate(n + "'s read is done; it writes the "
                        + "bytes to the target with " + w.name() + " (flags 0x0) and waits for it.");
                p = P.WRITTEN;
                return issueAndWait(cx, w, "blk_co_pwritev");
            }
            case WRITTEN -> {
                s.touch(cx).end(cx, op);
                cx.name("mirror_iteration_done").guest(offset, bytes).narrate(n + " is done: guest " + hex(offset)
                        + "+" + hex(bytes) + " leaves the in-flight bitmap and its waiters wake.");
                p = P.DONE;
                return finishUntracked(cx);
            }
            default -> throw new IllegalStateException(n + " is done");
        }
    }
}
