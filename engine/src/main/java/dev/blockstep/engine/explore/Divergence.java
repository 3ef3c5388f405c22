package dev.blockstep.engine.explore;

import java.util.List;

/** Where two step lists of one schedule part: the fixed and the unfixed run of the same policy. */
public final class Divergence {
    private Divergence() {
    }

    /**
     * The first index at which the two runs took different steps (another coroutine or another step name),
     * or at which one run has ended and the other goes on; -1 when they took the same steps throughout.
     * Key state is not compared: the same step may leave different metadata behind, and that is what
     * {@link #firstStateDifference} finds.
     */
    public static int firstStep(List<FixComparison.StepRow> a, List<FixComparison.StepRow> b) {
        int n = Math.min(a.size(), b.size());
        for (int i = 0; i < n; i++) {
            if (!a.get(i).coroutine().equals(b.get(i).coroutine()) || !a.get(i).step().equals(b.get(i).step())) {
                return i;
            }
        }
        return a.size() == b.size() ? -1 : n;
    }

    /** The first index at which the key state (L2 entry, refcounts) after the step differs; -1 if never. */
    public static int firstStateDifference(List<FixComparison.StepRow> a, List<FixComparison.StepRow> b) {
        int n = Math.min(a.size(), b.size());
        for (int i = 0; i < n; i++) {
            if (!a.get(i).l2Entry().equals(b.get(i).l2Entry()) || !a.get(i).refcount().equals(b.get(i).refcount())) {
                return i;
            }
        }
        return a.size() == b.size() ? -1 : n;
    }
}
