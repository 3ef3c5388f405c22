package dev.blockstep.engine.explore;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Source-set DPOR's part of the search (Abdulla, Aronis, Jonsson and Sagonas, POPL 2014): each node starts with
 * one option, and a race found further down the path adds one coroutine that can run the racing step first.
 * With the state cache, each cached state keeps the steps taken below it, so that a later visit that stops there
 * still reverses the races those steps have with the new path (a naive state table would lose them).
 */
final class SourceSets {
    private final PathOrder order = new PathOrder();
    private final boolean summaries;
    private long fullExpansions;
    private long openHits;
    private long irreversible;

    /** @param summaries false only in tests: the unsound naive combination with the cache */
    SourceSets(boolean summaries) {
        this.summaries = summaries;
    }

    long fullExpansions() {
        return fullExpansions;
    }

    long openHits() {
        return openHits;
    }

    /** A new node: explore its first option not asleep, and collect its subtree's steps when the cache is on. */
    void entered(SearchNode n, StateCache.Visit key) {
        n.backtrack = new TreeSet<>();
        n.options.stream().filter(p -> !n.sleep.containsKey(p)).findFirst().ifPresent(n.backtrack::add);
        if (key != null) {
            n.key = key;
            n.below = new LinkedHashSet<>();
        }
    }

    /** The top node {@code n} of {@code path} took a step: find the races it closes with the path. */
    void stepped(List<SearchNode> path, SearchNode n, int p, Footprint fp) {
        order.push(p, fp);
        for (PathOrder.Race r : order.racesOfLast()) {
            reverse(path, r);
        }
        if (n.below != null) {
            n.below.add(new StateCache.Move(p, fp));
        }
    }

    /** The search came back to the node whose step was the last on the path. */
    void returned() {
        order.pop();
    }

    /**
     * Makes the node of race {@code r} also explore a coroutine that runs the racing step first. Source sets need
     * only one initial of what follows, and none when one is already there or asleep (explored elsewhere); when no
     * initial can run at that node, every option is explored there (Flanagan and Godefroid's fallback).
     */
    private void reverse(List<SearchNode> path, PathOrder.Race r) {
        SearchNode at = path.get(r.index());
        TreeSet<Integer> c = new TreeSet<>(r.initials());
        c.retainAll(at.options);
        if (c.isEmpty() && r.exact() && r.initials().equals(Set.of(r.racer()))) {
            // nothing came between but the racing step itself, and its coroutine could not run at that node:
            // the earlier step is what let it run (a wake-up), so the two cannot be swapped
            irreversible++;
            return;
        }
        if (c.isEmpty()) {
            fullExpansions++;
            at.backtrack.addAll(at.options);
            return;
        }
        for (int q : c) {
            if (at.backtrack.contains(q) || at.sleep.containsKey(q)) {
                return;
            }
        }
        at.backtrack.add(c.first());
    }

    /**
     * A cached state is not explored again, but its subtree's steps still race with the path that reached it
     * now: each step taken below it on its first visit is checked against the path as if it came next, which
     * finds every race the subtree would have found and maybe more (Yang, Chen, Gopalakrishnan and Kirby's
     * stateful DPOR, summarised per step). A state still open on the path (a cycle) has no complete summary,
     * so every node on the path then explores all its options.
     */
    void cacheHit(StateCache.Entry seen, List<SearchNode> path) {
        if (!summaries) {
            return;
        }
        if (seen.open()) {
            openHits++;
            for (SearchNode n : path) {
                n.backtrack.addAll(n.options);
            }
            return;
        }
        for (StateCache.Move m : seen.below()) {
            for (PathOrder.Race r : order.racesOfLater(m.coroutine(), m.step())) {
                reverse(path, r);
            }
        }
        path.get(path.size() - 1).below.addAll(seen.below());
    }

    /** A node was left: its subtree's steps go into its cache entry and its parent's summary. */
    void closed(SearchNode n, List<SearchNode> path, StateCache cache) {
        if (n.below == null) {
            return;
        }
        cache.closed(n.key, n.below);
        if (!path.isEmpty()) {
            path.get(path.size() - 1).below.addAll(n.below);
        }
    }

}
