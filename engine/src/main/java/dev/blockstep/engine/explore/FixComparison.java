package dev.blockstep.engine.explore;

import dev.blockstep.engine.coroutine.Scheduler;
import dev.blockstep.engine.coroutine.SchedulingPolicy;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.qcow2.format.ClusterType;
import dev.blockstep.engine.snapshot.HostClusterRow;
import dev.blockstep.engine.snapshot.ImageView;
import dev.blockstep.engine.snapshot.L2Row;
import dev.blockstep.engine.snapshot.Step;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * One workload under one schedule, run once under each of two fix variants, step by step, with the key
 * state after every step: the L2 entry of the raced guest cluster and the refcount of the host cluster it
 * names. The policy is made fresh for each side, so a seeded policy draws the same numbers on both.
 *
 * @param racedCluster     guest cluster touched by two or more writing requests (the lowest), or the first
 *                         written cluster when none is shared
 * @param firstDivergence  {@link Divergence#firstStep}: first step taken differently, -1 if none
 */
public record FixComparison(long racedCluster, Side left, Side right, int firstDivergence) {

    /** One engine step of one side and the key state after it. */
    public record StepRow(int index, String coroutine, String step, String l2Entry, String refcount) {
    }

    /** A side's steps and how its run ended. */
    public record Side(FixVariant fix, List<StepRow> steps, Verdict verdict) {
        public Side {
            steps = List.copyOf(steps);
        }
    }

    /** Unfixed ({@link FixVariant#NONE}) against the series ({@link FixVariant#PATCH}). */
    public static FixComparison of(ExploreSetup setup, Supplier<SchedulingPolicy> policy, MetadataCheck check) {
        return of(setup, policy, check, FixVariant.NONE, FixVariant.PATCH);
    }

    /** {@code left} against {@code right}, both under a fresh policy from {@code policy}. */
    public static FixComparison of(ExploreSetup setup, Supplier<SchedulingPolicy> policy, MetadataCheck check,
                                   FixVariant left, FixVariant right) {
        long raced = racedCluster(setup);
        Side l = side(setup.withFix(left), policy.get(), check, raced);
        Side r = side(setup.withFix(right), policy.get(), check, raced);
        return new FixComparison(raced, l, r, Divergence.firstStep(l.steps(), r.steps()));
    }

    /** The first index where the key state differs, -1 if never. */
    public int firstStateDifference() {
        return Divergence.firstStateDifference(left.steps, right.steps);
    }

    private static Side side(ExploreSetup setup, SchedulingPolicy policy, MetadataCheck check, long raced) {
        Run run = new Run(setup);
        // Run's constructor already took the steps qemu takes before any choice; list them too.
        List<StepRow> rows = new ArrayList<>();
        for (Step st : run.steps()) {
            rows.add(row(run, st, raced));
        }
        while (!run.ended()) {
            Scheduler s = run.engine().scheduler();
            int co = s.choiceOpen() ? policy.choose(s.stepIndex(), run.options(), s) : run.options().get(0);
            run.stepExactly(co);
            rows.add(row(run, run.steps().get(run.steps().size() - 1), raced));
        }
        return new Side(setup.fix(), rows, new Judge(setup, check).judge(run));
    }

    private static StepRow row(Run run, Step st, long raced) {
        ImageView img = run.engine().imageView();
        String l2 = "unallocated";
        String ref = "—";
        for (L2Row r : img.l2()) {
            if (r.guestCluster() != raced) {
                continue;
            }
            ClusterType t = r.entry().type();
            long host = r.entry().hostOffset();
            l2 = host != 0 ? t + " 0x" + Long.toHexString(host) : t.toString();
            if (host != 0 && t != ClusterType.COMPRESSED) {
                ref = refcount(img, host / img.clusterSize());
            }
        }
        return new StepRow(st.index(), run.coroutineName(st.coroutine()), st.name(), l2, ref);
    }

    private static String refcount(ImageView img, long hostCluster) {
        for (HostClusterRow h : img.hostClusters()) {
            if (h.hostCluster() == hostCluster) {
                return "host " + hostCluster + ": refcount " + h.refcount() + ", references " + h.references()
                        + (h.aliased() ? " (aliased by guest " + h.referencedBy() + ")" : "");
            }
        }
        return "host " + hostCluster + ": refcount 0";
    }

    /** Guest clusters written by two or more requests; the lowest such, else the first written cluster. */
    static long racedCluster(ExploreSetup setup) {
        long cs = setup.newEngine().node().driver().clusterSize();
        TreeMap<Long, Integer> writers = new TreeMap<>();
        long first = -1;
        for (QemuIoCommand c : setup.commands()) {
            long[] range = writtenRange(c);
            if (range == null || range[1] <= 0) {
                continue;
            }
            for (long g = range[0] / cs; g <= (range[0] + range[1] - 1) / cs; g++) {
                writers.merge(g, 1, Integer::sum);
                if (first < 0) {
                    first = g;
                }
            }
        }
        return writers.entrySet().stream().filter(e -> e.getValue() > 1).map(e -> e.getKey()).findFirst()
                .orElse(Math.max(first, 0));
    }

    private static long[] writtenRange(QemuIoCommand c) {
        if (c instanceof QemuIoCommand.AioWrite w) {
            return new long[] {w.offset(), w.length()};
        }
        if (c instanceof QemuIoCommand.Write w) {
            return new long[] {w.offset(), w.length()};
        }
        if (c instanceof QemuIoCommand.Discard d) {
            return new long[] {d.offset(), d.length()};
        }
        return null;
    }
}
