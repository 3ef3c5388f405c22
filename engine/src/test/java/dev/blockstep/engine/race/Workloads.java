package dev.blockstep.engine.race;

import dev.blockstep.engine.coroutine.SplitMix64;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import java.util.ArrayList;
import java.util.List;

/** Generated qemu-io scripts in the style of the upstream regression test for the race. */
final class Workloads {
    static final long CS = 65536;

    private Workloads() {
    }

    /**
     * {@code n} commands, each uniformly {@code aio_write -P 0xNN}, {@code aio_write -z} or {@code aio_write -z -u}
     * on one of 8 clusters, 64 KiB long, with {@code aio_flush} after every {@code flushEvery} and at the end.
     */
    static List<QemuIoCommand> contended(long seed, int n, int flushEvery) {
        SplitMix64 r = new SplitMix64(seed);
        List<QemuIoCommand> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            long off = r.nextInt(8) * CS;
            int kind = r.nextInt(3);
            out.add(new QemuIoCommand.AioWrite(off, CS, kind == 0 ? 1 + r.nextInt(255) : 0, kind != 0, kind == 2,
                    false));
            if (i % flushEvery == 0) {
                out.add(new QemuIoCommand.AioFlush());
            }
        }
        if (!(out.get(out.size() - 1) instanceof QemuIoCommand.AioFlush)) {
            out.add(new QemuIoCommand.AioFlush());
        }
        return out;
    }

    /**
     * The same mix, but a guest that keeps its own ordering: between two {@code aio_flush} no two requests touch
     * the same cluster, so no requests in flight ever overlap.
     */
    static List<QemuIoCommand> guestOrdered(long seed, int n) {
        SplitMix64 r = new SplitMix64(seed);
        List<QemuIoCommand> out = new ArrayList<>();
        boolean[] used = new boolean[8];
        int inBatch = 0;
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(8);
            if (used[c] || inBatch == 6) {
                out.add(new QemuIoCommand.AioFlush());
                java.util.Arrays.fill(used, false);
                inBatch = 0;
            }
            used[c] = true;
            inBatch++;
            int kind = r.nextInt(3);
            out.add(new QemuIoCommand.AioWrite(c * CS, CS, kind == 0 ? 1 + r.nextInt(255) : 0, kind != 0, kind == 2,
                    false));
        }
        out.add(new QemuIoCommand.AioFlush());
        return out;
    }

    static String script(List<QemuIoCommand> cmds) {
        StringBuilder sb = new StringBuilder();
        for (QemuIoCommand c : cmds) {
            sb.append(c.toLine()).append('\n');
        }
        return sb.toString();
    }
}
