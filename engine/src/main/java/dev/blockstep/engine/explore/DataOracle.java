package dev.blockstep.engine.explore;

import dev.blockstep.engine.block.IssuedCommand;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.format.ImageFormatException;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The guest-data oracle: what a correct device may return for each guest byte, given which requests
 * overlapped in time. A write's effect may land or not, in any order, while it is in flight; once it has
 * completed it stays until a write that began after that completion overwrites it. So a read (or the final
 * image) may show, for each piece of the guest range, the content of any write that began before the read
 * ended and was not superseded by one that both began after it ended and ended before the read began; or the
 * initial content when no write ended before the read began. Pieces are cut at every request boundary and at
 * every 512-byte sector, so a device tearing a write at sector granularity is still correct.
 */
public final class DataOracle {
    private static final int SECTOR = 512;

    /** One request's effect on guest data: every byte of its range becomes {@code value}. */
    record Effect(int co, String name, long offset, long end, int value) {
        String describe() {
            return name + (value == 0 ? " (zeros)" : " (0x" + Integer.toHexString(value) + ")");
        }
    }

    private final ExploreSetup setup;
    /** Allocated guest clusters of the image before the run: the final image must still hold them. */
    private final List<long[]> allocated = new ArrayList<>();
    private final GuestIo initial;

    public DataOracle(ExploreSetup setup) {
        this.setup = setup;
        try {
            this.initial = new GuestIo(setup.image(), setup.name(), setup.backing());
        } catch (ImageFormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        long cs = initial.clusterSize();
        long size = initial.virtualSize();
        // skipping guest ranges without an L2 table keeps a 2 PiB image from costing 2^35 lookups
        for (long off = initial.nextCandidate(0); off < size; off = initial.nextCandidate(off + cs)) {
            if (initial.allocated(off)) {
                allocated.add(new long[] {off, Math.min(size, off + cs)});
            }
        }
    }

    /**
     * The guest range this oracle judges {@code c} by, as {@code {offset, end}}, or null when it never looks at the
     * command (flushes and the rest): a write's or discard's effect lies inside it, a read is checked on it. Two
     * requests' order in time matters to the oracle only when their ranges overlap.
     */
    static long[] judgedRange(QemuIoCommand c) {
        if (c instanceof QemuIoCommand.DataWrite w) {
            return new long[] {w.offset(), w.offset() + w.length()};
        }
        if (c instanceof QemuIoCommand.Discard d) {
            return new long[] {d.offset(), d.offset() + d.length()};
        }
        if (c instanceof QemuIoCommand.Read r) {
            return new long[] {r.offset(), r.offset() + r.length()};
        }
        return null;
    }

    /** What the run's requests did to guest data, attributed as qemu-io's loop recorded who ran each command. */
    private record Requests(List<Effect> effects, List<IssuedCommand> reads) { }

    private Requests requests(History run) {
        long cs = initial.clusterSize();
        long size = initial.virtualSize();
        List<Effect> effects = new ArrayList<>();
        List<IssuedCommand> reads = new ArrayList<>();
        for (IssuedCommand ic : run.commands().all()) {
            if (!ic.hasRequest()) {
                continue;
            }
            QemuIoCommand c = setup.commands().get(ic.index());
            if (c instanceof QemuIoCommand.DataWrite w) {
                effects.add(new Effect(ic.coroutine(), ic.name(), w.offset(), w.offset() + w.length(),
                        w.zero() ? 0 : w.pattern() & 0xff));
            } else if (c instanceof QemuIoCommand.Discard d) {
                long start = (d.offset() + cs - 1) / cs * cs;
                long end = d.offset() + d.length() == size ? size : (d.offset() + d.length()) / cs * cs;
                if (end > start) {
                    effects.add(new Effect(ic.coroutine(), ic.name(), start, end, 0));
                }
            } else if (c instanceof QemuIoCommand.Read) {
                reads.add(ic);
            }
        }
        return new Requests(effects, reads);
    }

    /** Every drift in the run's reads and, when it ended, in its final image. */
    public List<Drift> check(History run) {
        Requests req = requests(run);
        List<Drift> out = new ArrayList<>();
        for (IssuedCommand rd : req.reads()) {
            byte[] got = run.readResult(rd.coroutine());
            if (got == null) {
                continue;
            }
            QemuIoCommand.Read r = (QemuIoCommand.Read) setup.commands().get(rd.index());
            checkRange(run, req.effects(), "read " + rd.name(), r.offset(), r.offset() + r.length(),
                    run.beganAt(rd.coroutine()), run.endedAt(rd.coroutine()), got, out);
        }
        HostFile end = run.finalImage();
        if (end != null) {
            try {
                GuestIo io = new GuestIo(end, setup.name(), setup.backing());
                for (long[] r : merged(req.effects())) {
                    byte[] got = io.read(r[0], (int) (r[1] - r[0]));
                    checkRange(run, req.effects(), "final image", r[0], r[1], Long.MAX_VALUE, Long.MAX_VALUE, got,
                            out);
                }
            } catch (ImageFormatException | RuntimeException e) {
                out.add(new Drift("final image", 0, 0, "unreadable (" + e.getMessage() + ")", List.of()));
            }
        }
        return out;
    }

    private void checkRange(History run, List<Effect> effects, String where, long start, long end, long readBegin,
                            long readEnd, byte[] got, List<Drift> out) {
        TreeSet<Long> cuts = new TreeSet<>();
        cuts.add(start);
        cuts.add(end);
        for (Effect e : effects) {
            if (e.offset() > start && e.offset() < end) {
                cuts.add(e.offset());
            }
            if (e.end() > start && e.end() < end) {
                cuts.add(e.end());
            }
        }
        for (long s = (start / SECTOR + 1) * SECTOR; s < end; s += SECTOR) {
            cuts.add(s);
        }
        byte[] before = initial.read(start, (int) (end - start));
        Drift pending = null;
        Long prev = null;
        // Sweep the pieces left to right, keeping only the effects that cover the current one: with thousands of
        // requests, scanning every effect for every sector made judging one run take hours.
        Integer[] order = byOffset(effects);
        int nextEffect = 0;
        List<Integer> covering = new ArrayList<>();
        for (long cut : cuts) {
            if (prev != null) {
                long from = prev;
                while (nextEffect < order.length && effects.get(order[nextEffect]).offset() <= from) {
                    covering.add(order[nextEffect++]);
                }
                covering.removeIf(i -> effects.get(i).end() <= from);
                covering.sort(null);
                Drift d = checkPiece(run, effects, where, prev, cut, readBegin, readEnd, got, before, start,
                        covering);
                if (d != null && pending != null && pending.offset() + pending.bytes() == d.offset()
                        && pending.actual().equals(d.actual()) && pending.allowed().equals(d.allowed())) {
                    pending = new Drift(where, pending.offset(), pending.bytes() + d.bytes(), d.actual(), d.allowed());
                } else {
                    if (pending != null) {
                        out.add(pending);
                    }
                    pending = d;
                }
            }
            prev = cut;
        }
        if (pending != null) {
            out.add(pending);
        }
    }

    private Drift checkPiece(History run, List<Effect> effects, String where, long from, long to, long readBegin,
                             long readEnd, byte[] got, byte[] initial, long base, List<Integer> covering) {
        List<Effect> touching = new ArrayList<>();
        for (int i : covering) {
            Effect e = effects.get(i);
            Long b = run.beganAt(e.co());
            if (e.offset() <= from && e.end() >= to && b != null && b < readEnd) {
                touching.add(e);
            }
        }
        List<String> allowed = new ArrayList<>();
        boolean ok = false;
        boolean initialAllowed = true;
        for (Effect w : touching) {
            if (endOf(run, w) < readBegin) {
                initialAllowed = false;
            }
        }
        int lo = (int) (from - base);
        int hi = (int) (to - base);
        if (initialAllowed) {
            allowed.add("initial content");
            ok = java.util.Arrays.equals(got, lo, hi, initial, lo, hi);
        }
        for (Effect w : touching) {
            boolean superseded = false;
            for (Effect w2 : touching) {
                Long b2 = run.beganAt(w2.co());
                if (w2 != w && endOf(run, w) < b2 && endOf(run, w2) < readBegin) {
                    superseded = true;
                    break;
                }
            }
            if (superseded) {
                continue;
            }
            allowed.add(w.describe());
            if (!ok && allBytes(got, lo, hi, w.value())) {
                ok = true;
            }
        }
        return ok ? null : new Drift(where, from, to - from, describe(got, lo, hi), allowed);
    }

    /** Indices of {@code effects} by ascending offset (ties in command order). */
    private static Integer[] byOffset(List<Effect> effects) {
        Integer[] order = new Integer[effects.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Long.compare(effects.get(a).offset(), effects.get(b).offset()));
        return order;
    }

    private static long endOf(History run, Effect e) {
        Long end = run.endedAt(e.co());
        return end == null ? Long.MAX_VALUE : end;
    }

    /** The ranges the final image is checked on: every request's and every initially allocated cluster. */
    private List<long[]> merged(List<Effect> effects) {
        List<long[]> sorted = new ArrayList<>(allocated);
        for (Effect e : effects) {
            sorted.add(new long[] {e.offset(), e.end()});
        }
        sorted.sort((a, b) -> Long.compare(a[0], b[0]));
        List<long[]> out = new ArrayList<>();
        for (long[] r : sorted) {
            if (!out.isEmpty() && out.get(out.size() - 1)[1] >= r[0]) {
                long[] last = out.get(out.size() - 1);
                last[1] = Math.max(last[1], r[1]);
            } else {
                out.add(new long[] {r[0], r[1]});
            }
        }
        return out;
    }

    private static boolean allBytes(byte[] b, int lo, int hi, int v) {
        for (int i = lo; i < hi; i++) {
            if ((b[i] & 0xff) != v) {
                return false;
            }
        }
        return true;
    }

    private static String describe(byte[] b, int lo, int hi) {
        int first = b[lo] & 0xff;
        return allBytes(b, lo, hi, first) ? (first == 0 ? "zeros" : "0x" + Integer.toHexString(first))
                : "mixed bytes starting 0x" + Integer.toHexString(first);
    }
}
