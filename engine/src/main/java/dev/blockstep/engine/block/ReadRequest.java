package dev.blockstep.engine.block;

import dev.blockstep.engine.coroutine.Outcome;
import dev.blockstep.engine.coroutine.StepContext;

/**
 * A guest read (qemu-io {@code read [-P pattern]}): tracked as READ, waits only for serialising requests,
 * looks up each chunk under s->lock and reads the data without it.
 */
public final class ReadRequest extends RequestCoroutine {
    private enum P { BEGIN, PREPARE, LOCK, LOOKUP, DATA_DONE, END, DONE }

    private P p = P.BEGIN;
    private final int pattern;
    private final byte[] buf;
    private long checkOffset;
    private long checkLength;
    private boolean dump;

    /** @param pattern byte to verify, or -1 */
    public ReadRequest(int id, String name, BlockNode node, String request, long offset, int bytes, int pattern) {
        super(id, name, node, request, offset, bytes, RequestFlags.NONE);
        this.pattern = pattern;
        this.buf = new byte[bytes];
        this.checkLength = bytes;
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
            case PREPARE -> "bdrv_wait_serialising_requests";
            case LOCK -> "qemu_co_mutex_lock";
            case LOOKUP -> "qcow2_co_preadv_part";
            case DATA_DONE -> "thread_pool_complete";
            case END -> "tracked_request_end";
            case DONE -> "done";
        };
    }

    @Override
    protected Outcome runPhase(StepContext cx) {
        String n = name();
        switch (p) {
            case BEGIN -> {
                beginTracked(cx, TrackedRequestType.READ, false);
                cx.name("bdrv_co_preadv_part").guest(offset, bytes)
                        .narrate(n + " enters the block layer and registers tracked request #" + tracked.id() + ".");
                p = P.PREPARE;
                return Outcome.CONTINUE;
            }
            case PREPARE -> {
                cx.name("bdrv_wait_serialising_requests").guest(offset, bytes);
                Outcome w = prepareWait(cx);
                if (w != null) {
                    cx.narrate(n + " overlaps serialising request #" + tracked.waitingFor().id() + " and waits.");
                    return w;
                }
                cx.narrate(n + " goes on to the driver.");
                p = bytes == 0 ? P.END : P.LOCK;
                return Outcome.CONTINUE;
            }
            case LOCK -> {
                cx.name("qemu_co_mutex_lock").guest(offset, bytes);
                p = P.LOOKUP;
                return lockOrQueue(cx, n + " queues for s->lock.",
                        n + " takes s->lock to look up where guest " + hex(offset) + " lives.");
            }
            case LOOKUP -> {
                lockReturned(cx);
                unlock(cx);
                cx.name("qcow2_co_preadv_part").guest(offset, bytes).narrate(n + " looks up where guest "
                        + hex(offset) + " lives, releases s->lock and submits its read.");
                p = P.DATA_DONE;
                return Outcome.IN_DATA_IO;
            }
            case DATA_DONE -> {
                // The driver looks up and reads in one call, so the lookup is repeated here, at completion.
                node.driver().read(id(), offset, buf, 0, (int) bytes);
                cx.name("thread_pool_complete").guest(offset, bytes).narrate(n + "'s read completes.");
                p = P.END;
                return Outcome.CONTINUE;
            }
            case END -> {
                cx.name("tracked_request_end").guest(offset, bytes).narrate(n + " ends tracked request #"
                        + tracked.id() + " and completes.");
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
                return finish(cx, "0");
            }
            default -> throw new IllegalStateException(n + " is done");
        }
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
