package dev.blockstep.engine.explore;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One open node of the search tree: its run (handed to the first child, then replayed for the others), its
 * sleep set, the options already explored from it and the one being explored now.
 */
final class SearchNode {
    Run run;
    final Map<Integer, Footprint> sleep;
    final List<Integer> options;
    final Map<Integer, Footprint> done = new TreeMap<>();
    int next;
    boolean explored;
    int current = -1;
    Footprint currentStep;
    /** The coroutine chosen on the way in (-1 at the root), and the preemptions spent on the way. */
    final int last;
    final int preemptions;
    /** With source sets: the options to explore here (grows as races are found below); else null. */
    TreeSet<Integer> backtrack;
    /** With source sets and the cache: this state's cache key and every macro step taken below it. */
    StateCache.Visit key;
    Set<StateCache.Move> below;

SearchNode(Run run, Map<Integer, Footprint> sleep, int last, int preemptions) {
        this.run = run;
        this.sleep = sleep;
        this.options = run.options();
        this.last = last;
        this.preemptions = preemptions;
    }

    /** Preemptions spent by choosing {@code p} here. */
    int cost(int p) {
        return last >= 0 && p != last && options.contains(last) ? 1 : 0;
    }
}
