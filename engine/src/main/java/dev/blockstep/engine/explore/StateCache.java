package dev.blockstep.engine.explore;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The explorer's table of visited states. A state reached again is not explored again when its earlier visit had
 * at most the sleep set it has now, since that visit explored every option this one would; otherwise it is
 * explored and the stored set shrinks to the intersection (Godefroid's condition for sleep sets with a state
 * table). For source-set DPOR each entry also keeps the macro steps taken below the state, so a later visit can
 * still find the races they have with the path that reached it.
 */
final class StateCache {

    /** A cached state; with a preemption bound, the coroutine last chosen and the preemptions spent steer the rest. */
    record Visit(StateDigest.Key state, int last, int preemptions) { }

    /** A macro step: which coroutine was chosen, and what the step touched. */
    record Move(int coroutine, Footprint step) { }

    /** What is known of one state: the sleep set it was explored under, and the steps taken below it. */
    static final class Entry {
        private Set<Integer> sleep;
        private final Set<Move> below = new LinkedHashSet<>();
        private int open;

        /** Still being explored (on the search path), so {@link #below} is not complete. */
        boolean open() {
            return open > 0;
        }

        Set<Move> below() {
            return below;
        }
    }

    private final Map<Visit, Entry> visited = new HashMap<>();

    /**
     * The entry that covers this state with this sleep set, or null after recording the visit (as open when the
     * state will be explored below, i.e. the run has not ended).
     */
    Entry seenBefore(Visit k, Set<Integer> asleep, boolean willOpen) {
        Entry e = visited.get(k);
        if (e != null && asleep.containsAll(e.sleep)) {
            return e;
        }
        Set<Integer> now = new TreeSet<>(asleep);
        if (e == null) {
            e = new Entry();
            visited.put(k, e);
        } else {
            now.retainAll(e.sleep);
        }
        e.sleep = now;
        if (willOpen) {
            e.open++;
        }
        return null;
    }

    /** The exploration of a state ended; {@code below} is every step taken under it. */
    void closed(Visit k, Set<Move> below) {
        Entry e = visited.get(k);
        e.below.addAll(below);
        e.open--;
    }
}
