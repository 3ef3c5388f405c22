package dev.blockstep.engine.block;

import dev.blockstep.engine.coroutine.Outcome;
import dev.blockstep.engine.coroutine.StepContext;
import dev.blockstep.engine.qcow2.Qcow2Driver;
import java.util.List;

/**
 * The copying half of bdrv_co_do_copy_on_readv, for the runs the top image lacks: each run is read through the
 * driver (the backing child, or zeros without one) into a bounce buffer and written into the top image, with
 * BDRV_REQ_WRITE_UNCHANGED, or zeroed without MAY_UNMAP when the buffer is all zero. One phase per step, as
 * {@link Qcow2Writev}; a copy-on-read prefetch and a guest read under copy-on-read both run it.
 */
final class CopyOnReadRuns {
    private enum P { BACKING, BACKING_DONE, WRITE, ZEROES, FINISHED }

    private final RequestCoroutine co;
    private final BlockNode node;
    private final List<Qcow2Driver.GuestRange> runs;
    private P p;
    private int run;
    private Qcow2Writev writev;
    private PwriteZeroes zeroes;

    CopyOnReadRuns(RequestCoroutine co, BlockNode node, List<Qcow2Driver.GuestRange> runs) {
        this.co = co;
        this.node = node;
        this.runs = runs;
        this.p = runs.isEmpty() ? P.FINISHED : P.BACKING;
    }

    boolean finished() {
        return p == P.FINISHED;
    }

    String phase() {
        return switch (p) {
            case BACKING -> "bdrv_co_preadv_part";
            case BACKING_DONE -> "thread_pool_complete";
            case WRITE -> writev.phase();
            case ZEROES -> zeroes.phase();
            case FINISHED -> "done";
        };
    }

    void abort(StepContext cx) {
        if (p == P.WRITE) {
            writev.abort(cx);
        } else if (p == P.ZEROES) {
            zeroes.abort(cx);
        }
    }

    Outcome step(StepContext cx) {
        String n = co.name();
        switch (p) {
            case BACKING -> {
                Qcow2Driver.GuestRange r = runs.get(run);
                cx.name("bdrv_co_preadv_part").guest(r.offset(), r.bytes()).narrate(n + " reads guest "
                        + RequestCoroutine.hex(r.offset()) + " from the backing child into its bounce buffer.");
                p = P.BACKING_DONE;
                return Outcome.IN_DATA_IO;
            }
            case BACKING_DONE -> {
                Qcow2Driver.GuestRange r = runs.get(run);
                byte[] bounce = new byte[(int) r.bytes()];
                node.driver().readBacking(co.id(), r, bounce, 0);
                cx.name("thread_pool_complete").guest(r.offset(), r.bytes());
                if (allZero(bounce)) {
                    zeroes = new PwriteZeroes(co, node, r.offset(), r.bytes(),
                            RequestFlags.of(RequestFlags.ZERO_WRITE));
                    cx.narrate(n + "'s backing read completes: all zero, so it writes zeroes without unmap.");
                    p = P.ZEROES;
                } else {
                    writev = new Qcow2Writev(co, node, r.offset(), bounce);
                    cx.narrate(n + "'s backing read completes; it writes the bytes into the top image.");
                    p = P.WRITE;
                }
                return Outcome.CONTINUE;
            }
            case WRITE -> {
                Outcome o = writev.step(cx);
                if (writev.finished()) {
                    nextRun();
                }
                return o;
            }
            case ZEROES -> {
                Outcome o = zeroes.step(cx);
                if (zeroes.finished()) {
                    nextRun();
                }
                return o;
            }
            default -> throw new IllegalStateException(n + "'s copy-on-read is done");
        }
    }

    private void nextRun() {
        run++;
        writev = null;
        zeroes = null;
        p = run < runs.size() ? P.BACKING : P.FINISHED;
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }
}
