package dev.blockstep.engine.snapshot;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.RandomAccess;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The steps that led to a state, oldest first: an immutable list that costs nothing to hand out. Views share
 * the {@link Builder}'s array; the builder only ever writes past every view it handed out, and a truncation
 * moves it to a fresh array, so a view never changes once it exists.
 */
public final class StepHistory extends AbstractList<Step> implements RandomAccess {

    private static final Step[] NONE = new Step[0];
    public static final StepHistory EMPTY = new StepHistory(NONE, 0);

    private final Step[] steps;
    private final int size;

    private StepHistory(Step[] steps, int size) {
        this.steps = steps;
        this.size = size;
    }

    /** A history holding a copy of {@code steps}. */
    public static StepHistory of(List<Step> steps) {
        return steps instanceof StepHistory h ? h : new StepHistory(steps.toArray(NONE), steps.size());
    }

    @Override
    public Step get(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("step " + i + " of a history of " + size);
        }
        return steps[i];
    }

    @Override
    public int size() {
        return size;
    }

    /**
     * How many leading steps two histories share (the same step objects): where a follower that drew
     * {@code before} keeps its work and starts over. Cheap when one is a prefix of the other's array.
     */
    public static int commonPrefix(List<Step> before, List<Step> after) {
        int n = Math.min(before.size(), after.size());
        if (before instanceof StepHistory a && after instanceof StepHistory b && a.steps == b.steps) {
            return n;
        }
        while (n > 0 && before.get(n - 1) != after.get(n - 1)) {
            n--;
        }
        return n;
    }

    // Every mutator refuses, including the ones AbstractList would implement through the ones above.

    @Override
    public boolean add(Step s) {
        throw refused();
    }

    @Override
    public boolean addAll(Collection<? extends Step> c) {
        throw refused();
    }

    @Override
    public boolean removeIf(Predicate<? super Step> filter) {
        throw refused();
    }

    @Override
    public void replaceAll(UnaryOperator<Step> operator) {
        throw refused();
    }

    @Override
    public boolean retainAll(Collection<?> c) {
        throw refused();
    }

    @Override
    public boolean removeAll(Collection<?> c) {
        throw refused();
    }

    @Override
    public void clear() {
        throw refused();
    }

    @Override
    protected void removeRange(int from, int to) {
        throw refused();
    }

    private static UnsupportedOperationException refused() {
        return new UnsupportedOperationException("a step history is immutable");
    }

    /** The one mutable history: appends and truncations, handing out immutable prefixes. */
    public static final class Builder {
        private Step[] steps = new Step[64];
        private int size;

        public void append(Step s) {
            if (size == steps.length) {
                steps = Arrays.copyOf(steps, size * 2);
            }
            steps[size++] = s;
        }

        /** Keeps the first {@code n} steps; later appends go to a fresh array so no view sees them. */
        public void truncate(int n) {
            if (n < size) {
                steps = Arrays.copyOf(steps, Math.max(64, steps.length));
                Arrays.fill(steps, n, size, null);
                size = n;
            }
        }

        public int size() {
            return size;
        }

        public Step get(int i) {
            if (i < 0 || i >= size) {
                throw new IndexOutOfBoundsException("step " + i + " of a history of " + size);
            }
            return steps[i];
        }

        /** The first {@code n} steps, immutable. */
        public StepHistory view(int n) {
            if (n < 0 || n > size) {
                throw new IndexOutOfBoundsException("prefix " + n + " of a history of " + size);
            }
            return n == 0 ? EMPTY : new StepHistory(steps, n);
        }
    }
}
