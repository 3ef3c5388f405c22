package dev.blockstep.engine.explore;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.TreeSet;

/**
 * The happens-before order of the macro steps on the search path, and the races that source-set DPOR reverses
 * (Abdulla, Aronis, Jonsson and Sagonas, "Optimal dynamic partial order reduction", POPL 2014). Step k is the one
 * taken out of the path's k-th node. Two steps are ordered when one coroutine took both or their footprints
 * conflict, and then by transitivity.
 */
final class PathOrder {
    private final List<Integer> procs = new ArrayList<>();
    private final List<Footprint> steps = new ArrayList<>();
    /** For step k: the steps below k that happen before it. */
    private final List<BitSet> before = new ArrayList<>();

    /**
     * A race: path step {@code index} and a later step that conflicts with it, with nothing ordered between them.
     * {@code racer} is the later step's coroutine. Reversing it needs one of {@code initials} to run first at that node: coroutines whose first step in the
     * rest of the path (what is not ordered after {@code index}) waits for nothing in it.
     *
     * @param exact false when the later step's own history is not known (a cached subtree's step), so the
     *              initials are only those found on the path and may be incomplete
     */
    record Race(int index, int racer, TreeSet<Integer> initials, boolean exact) { }

    int size() {
        return procs.size();
    }

    int proc(int k) {
        return procs.get(k);
    }

    void push(int proc, Footprint step) {
        before.add(predecessors(proc, step));
        procs.add(proc);
        steps.add(step);
    }

    void pop() {
        int last = procs.size() - 1;
        procs.remove(last);
        steps.remove(last);
        before.remove(last);
    }

    /** The path steps that happen before a step of {@code proc} with footprint {@code step} taken after them all. */
    private BitSet predecessors(int proc, Footprint step) {
        BitSet b = new BitSet();
        for (int k = procs.size() - 1; k >= 0; k--) {
            // a step already in b brought its own predecessors with it
            if (!b.get(k) && (procs.get(k) == proc || !steps.get(k).independentOf(step))) {
                b.set(k);
                b.or(before.get(k));
            }
        }
        return b;
    }

    /** The races of the last path step with the steps before it. */
    List<Race> racesOfLast() {
        int last = procs.size() - 1;
        return races(procs.get(last), steps.get(last), before.get(last), last, true);
    }

    /**
     * The races of a step taken somewhere below the end of the path, in a subtree the cache skips. What ordered
     * it inside that subtree is not known, so every conflicting path step not ordered before it through the path
     * counts as a race (more races than the truth, never fewer).
     */
    List<Race> racesOfLater(int proc, Footprint step) {
        return races(proc, step, predecessors(proc, step), procs.size(), false);
    }

    private List<Race> races(int proc, Footprint step, BitSet preds, int end, boolean exact) {
        List<Race> out = new ArrayList<>();
        for (int i = preds.nextSetBit(0); i >= 0 && i < end; i = preds.nextSetBit(i + 1)) {
            if (procs.get(i) == proc || steps.get(i).independentOf(step) || orderedThrough(i, preds, end)) {
                continue;
            }
            out.add(new Race(i, proc, initialsAfter(i, end, exact ? preds : null), exact));
        }
        return out;
    }

    /** Whether some predecessor k between i and the end is itself ordered after i. */
    private boolean orderedThrough(int i, BitSet preds, int end) {
        for (int k = preds.nextSetBit(i + 1); k >= 0 && k < end; k = preds.nextSetBit(k + 1)) {
            if (before.get(k).get(i)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The initials of v: the path steps after i not ordered after i, then the racing step (when {@code lastPreds}
     * is given). A coroutine is an initial when its first step in v has no predecessor in v.
     */
    private TreeSet<Integer> initialsAfter(int i, int end, BitSet lastPreds) {
        TreeSet<Integer> initials = new TreeSet<>();
        BitSet inV = new BitSet();
        for (int j = i + 1; j < end; j++) {
            if (before.get(j).get(i)) {
                continue;
            }
            if (!before.get(j).intersects(inV)) {
                initials.add(procs.get(j));
            }
            inV.set(j);
        }
        if (lastPreds != null && !lastPreds.intersects(inV)) {
            initials.add(procs.get(end));
        }
        return initials;
    }
}
