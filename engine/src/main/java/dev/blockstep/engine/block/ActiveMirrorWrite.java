package dev.blockstep.engine.block;

import dev.blockstep.engine.coroutine.Outcome;
import dev.blockstep.engine.coroutine.StepContext;
import dev.blockstep.engine.snapshot.CoState;
import java.util.Arrays;

/**
 * A guest write passing a mirror_top filter in copy-mode write-blocking (bdrv_mirror_top_do_write): before the
 * write reaches the source, active_write_prepare registers an active op and waits until no other op is in flight
 * on any chunk it touches; after the source's request has ended, do_sync_target_write writes the same range to the
 * target with the flags mirror_top received (its supported flags only: no MAY_UNMAP, no FUA) and clears the
 * dirty bits of the whole chunks it covers; active_write_settle then drops the op and wakes its waiters. Only then
 * does the guest's request complete. The guest request runs these steps as its own, before and after its path on
 * the source.
 */
public final class ActiveMirrorWrite {
    /** What the copy to the target is called after the guest request's name (qemu runs it in the guest's coroutine). */
    private static final String TARGET_COPY = ".target";

    private enum P { PREPARE, SOURCE, TARGET, SETTLE, DONE }

    private final MirrorState s;
    private final MirrorOp op;
    /** The bytes a data write carries (its pattern), or null for a zero write. */
    private final byte[] data;
    private P p = P.PREPARE;
    private boolean registered;

    /** @param pattern the data write's byte, or -1 for a zero write */
    ActiveMirrorWrite(MirrorState s, long offset, long bytes, int pattern) {
        this.s = s;
        this.op = new MirrorOp(MirrorOp.Kind.ACTIVE_WRITE, offset, bytes);
        if (pattern >= 0) {
            data = new byte[(int) bytes];
            Arrays.fill(data, (byte) pattern);
        } else {
            data = null;
        }
    }

    /** A guest write of {@code data}, copied to the target as the source gets it. */
    ActiveMirrorWrite(MirrorState s, long offset, byte[] data) {
        this.s = s;
        this.op = new MirrorOp(MirrorOp.Kind.ACTIVE_WRITE, offset, data.length);
        this.data = data;
    }

    /** Whether the guest request's own steps on the source are still to come. */
    boolean beforeSource() {
        return p == P.PREPARE;
    }

    /** Whether the steps after the source's request are running. */
    boolean afterSource() {
        return p == P.TARGET || p == P.SETTLE;
    }

    /** active_write_prepare: the first time it registers the op; each time it waits for one conflicting op. */
    Outcome prepare(StepContext cx, RequestCoroutine r) {
        s.touch(cx);
        cx.name("active_write_prepare").guest(op.offset(), op.bytes());
        if (!registered) {
            s.add(op);
            registered = true;
        }
        op.waitingFor(null);
        MirrorOp busy = s.conflict(op, op.offset(), op.bytes());
        if (busy != null) {
            op.waitingFor(busy);
            MirrorState.waitFor(cx, busy);
            cx.narrate(r.name() + " passes mirror_top (write-blocking) and waits for the mirror op in flight on guest "
                    + RequestCoroutine.hex(busy.offset()) + ".");
            return Outcome.blocked(CoState.WAITING_COMPLETION, "mirror_wait_on_conflicts: guest "
                    + RequestCoroutine.hex(busy.offset()));
        }
        s.claim(op.offset(), op.bytes());
        cx.narrate(r.name() + " passes mirror_top (write-blocking): it claims its chunks in the in-flight bitmap and "
                + "goes on to the source.");
        p = P.SOURCE;
        return Outcome.CONTINUE;
    }

    /** The source's request has ended: next, the copy to the target, or only the settle when it failed. */
    void sourceDone(boolean ok) {
        p = ok ? P.TARGET : P.SETTLE;
    }

    /**
     * do_sync_target_write, then active_write_settle once the target's request is done; {@link #finished()} says
     * when the guest request may complete.
     */
    Outcome after(StepContext cx, RequestCoroutine r) {
        s.touch(cx);
        if (p == P.SETTLE) {
            s.end(cx, op);
            cx.name("active_write_settle").guest(op.offset(), op.bytes()).narrate(r.name()
                    + "'s copy to the target is done: its active op leaves and its waiters wake.");
            p = P.DONE;
            return Outcome.CONTINUE;
        }
        long offset = op.offset();
        long bytes = op.bytes();
        long g = s.granularity;
        cx.name("do_sync_target_write").guest(offset, bytes);
        if (offset % g != 0 && s.dirty.get(offset)) {
            // a dirty unaligned head is left to the background copy
            long skip = (offset + g - 1) / g * g - offset;
            offset += skip;
            bytes = Math.max(0, bytes - skip);
        }
        if (bytes > 0 && (offset + bytes) % g != 0 && s.dirty.get(offset + bytes - 1)) {
            long tail = (offset + bytes) % g;
            bytes = Math.max(0, bytes - tail);
        }
        if (bytes == 0) {
            cx.narrate(r.name() + " touches only dirty partial chunks: the background copy will take them.");
            p = P.SETTLE;
            return Outcome.CONTINUE;
        }
        long from = (offset + g - 1) / g * g;
        long to = (offset + bytes) / g * g;
        if (from < to) {
            s.dirty.reset(from, to - from);
        }
        int id = cx.scheduler().nextId();
        RequestCoroutine w;
        if (data == null) {
            w = new ZeroWriteRequest(id, r.name() + TARGET_COPY, s.target, "write -z " + offset + " " + bytes, offset,
                    bytes, RequestFlags.NONE);
        } else {
            w = new WriteRequest(id, r.name() + TARGET_COPY, s.target, offset,
                    Arrays.copyOfRange(data, (int) (offset - op.offset()), (int) (offset - op.offset() + bytes)));
        }
        w.quiet(true);
        cx.narrate(r.name() + " has written the source; mirror_top writes guest " + RequestCoroutine.hex(offset) + "+"
                + RequestCoroutine.hex(bytes) + " to the target too with " + w.name() + " (flags " + w.flags().hex()
                + ") and waits for it.");
        p = P.SETTLE;
        return r.issueAndWait(cx, w, "do_sync_target_write");
    }

    boolean finished() {
        return p == P.DONE;
    }

    /**
     * The name of the guest request whose copy to the target coroutine {@code name} is, or null when it is none. qemu
     * runs do_sync_target_write in the guest request's coroutine, so a trace and a qemu log call the copy by the
     * guest's name.
     */
    public static String issuerOfTargetCopy(String name) {
        return name.endsWith(TARGET_COPY) ? name.substring(0, name.length() - TARGET_COPY.length()) : null;
    }
}
