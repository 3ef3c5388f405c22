package dev.blockstep.engine.explore;

import dev.blockstep.engine.snapshot.Step;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * Exhaustive, stateless exploration of every interleaving of a small workload. Each run is rebuilt by replaying
 * its choices from the start (the engine is deterministic), so no engine state is ever copied.
 *
 * <p>With reduction on, sleep sets skip schedules that differ only in the order of independent macro steps
 * ({@link Footprint}): after exploring coroutine p first from a node, p is put to sleep in the later siblings'
 * subtrees until a step that interacts with p's step runs. A tree search with sleep sets explores at most one
 * schedule of every equivalence class and at least one of each (Godefroid 1996), so every reachable end state
 * is still reached. With reduction off it enumerates every schedule, which tests compare against.
 */
public final class Explorer {
    private final ExploreSetup setup;
    private final Judge judge;
    private final boolean reduce;
    private final long maxStates;
    private final int keepBad;

    private long states;
    private long interleavings;
    private long sleepBlocked;
    private long engineSteps;
    private boolean truncated;
    private final Map<String, Exploration.EndState> endStates = new LinkedHashMap<>();
    private final List<Counterexample> bad = new ArrayList<>();
    private BooleanSupplier cancel = () -> false;
    private ProgressListener progress = (s, i, b) -> { };
    private boolean cancelled;

    /** Told now and then how far the search got; called on the thread that runs the search. */
    @FunctionalInterface
    public interface ProgressListener {
        void progress(long states, long interleavings, long badRuns);
    }

    /**
     * @param maxStates stop after this many choice points (the result says it was truncated)
     * @param keepBad   bad schedules kept in the result (all are counted)
     */
    public Explorer(ExploreSetup setup, Judge judge, boolean reduce, long maxStates, int keepBad) {
        this.setup = setup;
        this.judge = judge;
        this.reduce = reduce;
        this.maxStates = maxStates;
        this.keepBad = keepBad;
    }

    /**
     * Asked before every state; once it says true the search stops as if truncated. This is how a GUI's Cancel
     * stops the loop: the engine has no threads of its own, so the caller's flag is the only way in.
     */
    public Explorer cancelWhen(BooleanSupplier cancelled) {
        this.cancel = cancelled;
        return this;
    }

    /** Called every {@value #PROGRESS_EVERY} states and once at the end. */
    public Explorer onProgress(ProgressListener listener) {
        this.progress = listener;
        return this;
    }

    static final int PROGRESS_EVERY = 64;

    /** The search stopped because {@link #cancelWhen} said so (its result is marked truncated). */
    public boolean cancelled() {
        return cancelled;
    }

    /**
     * Also stops the search, as truncated, once this many engine steps (replays included) were executed: a
     * long workload's every state replays thousands of steps, so a state budget alone does not bound the time.
     */
    public Explorer maxEngineSteps(long budget) {
        this.maxEngineSteps = budget;
        return this;
    }

    private long maxEngineSteps = Long.MAX_VALUE;

    /**
     * Turns on state caching: a state reached again (same {@link StateDigest}) is not explored again when its
     * first visit had at most the sleep set it has now, since that visit explored every option this one would.
     * Otherwise it is explored and the stored sleep set shrinks to the intersection (Godefroid's condition for
     * combining sleep sets with a visited-state table).
     */
    public Explorer cacheStates(boolean on) {
        this.cache = on ? new StateCache() : null;
        return this;
    }

    /**
     * Whether the cache pays for this workload. Each digest walks the whole engine, so on a workload of thousands
     * of requests (whose exhaustive search cannot finish anyway) it would cost more than the replays it saves.
     */
    public static boolean cachePays(ExploreSetup s) {
        return s.commands().size() <= CACHE_MAX_COMMANDS;
    }

    static final int CACHE_MAX_COMMANDS = 64;

    private StateCache cache;

    /**
     * Turns on source-set DPOR (with reduction on and no preemption bound, which it would make unsound): a node
     * explores a second coroutine only when a race found below needs it to run first, instead of every coroutine
     * not asleep. Sleep sets stay on, and the state cache stays sound through per-state step summaries.
     */
    public Explorer sourceSets(boolean on) {
        this.sourceSets = on;
        return this;
    }

    private boolean sourceSets;
    private final PathOrder order = new PathOrder();
    private long fullExpansions;
    private long openHits;

    private boolean naive;

    /** Test hook: source sets with the cache but without its step summaries, the unsound naive combination. */
    Explorer naiveCache() {
        this.naive = true;
        return this;
    }

    private boolean dpor() {
        return sourceSets && reduce && preemptionBound < 0;
    }

    /** Races whose reversal no coroutine at the node could start, so that node explored every option. */
    public long fullExpansions() {
        return fullExpansions;
    }

    /** Cache hits on a state still open on the path (a cycle), which made every node on it explore everything. */
    public long openHits() {
        return openHits;
    }

    private int preemptionBound = -1;
    private long boundCuts;

    /**
     * Explores only schedules with at most {@code bound} preemptions: choosing another coroutine while the one
     * chosen last could still run. Bugs tend to need few (Musuvathi and Qadeer's CHESS), so a small bound reaches
     * them quickly; but the search is then not exhaustive, and once the bound has cut an option the result is
     * marked truncated, so {@code verify} can only call it inconclusive, never clean.
     */
    public Explorer preemptionBound(int bound) {
        this.preemptionBound = bound;
        return this;
    }

    /** Options not explored because they would have passed the preemption bound. */
    public long boundCuts() {
        return boundCuts;
    }
    private Set<String> digestHidden = Set.of();

    /** Test hook: the state cache's digest leaves these out too (see {@link StateDigest#of(Run, Set)}). */
    Explorer digestHiding(Set<String> hidden) {
        this.digestHidden = hidden;
        return this;
    }
    private long cacheHits;

    /** States not explored again because the cache had seen them. */
    public long cacheHits() {
        return cacheHits;
    }

    /** What the footprints are built from: each step as taken, unless a test makes a step under-declare. */
    private UnaryOperator<Step> declared = UnaryOperator.identity();

    /** Test hook: builds footprints from {@code f} applied to every step, e.g. a step with a declaration removed. */
    Explorer declaredAs(UnaryOperator<Step> f) {
        this.declared = f;
        return this;
    }

    public Exploration run() {
        long t0 = System.nanoTime();
        search();
        progress.progress(states, interleavings, badRuns);
        return new Exploration(states, interleavings, sleepBlocked, engineSteps, endStates, bad, truncated,
                System.nanoTime() - t0, cacheHits);
    }

    /** Number of bad runs seen, kept or not. */
    private long badRuns;

    public long badRuns() {
        return badRuns;
    }

    /**
     * One open node of the search tree: its run (handed to the first child, then replayed for the others), its
     * sleep set, the options already explored from it and the one being explored now.
     */
    private static final class Node {
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

        Node(Run run, Map<Integer, Footprint> sleep, int last, int preemptions) {
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

    /**
     * Depth-first search with an explicit path: a workload of thousands of requests has a search tree tens of
     * thousands of macro steps deep, far deeper than the Java stack. The choices to the top node are in
     * {@code prefix}; with source sets, {@code order} holds the steps taken out of every node on the path.
     */
    private void search() {
        List<Integer> prefix = new ArrayList<>();
        List<Node> path = new ArrayList<>();
        if (!enter(new Run(setup), new TreeMap<>(), path, -1, 0)) {
            return;
        }
        while (!path.isEmpty()) {
            Node n = path.get(path.size() - 1);
            if (n.current >= 0) {
                n.done.put(n.current, n.currentStep);
                n.explored = true;
                n.current = -1;
                prefix.remove(prefix.size() - 1);
                if (dpor()) {
                    order.pop();
                }
            }
            int p = nextOption(n);
            if (p < 0) {
                if (!n.explored) {
                    sleepBlocked++;
                }
                path.remove(path.size() - 1);
                closed(n, path);
                continue;
            }
            Run child = n.run != null ? n.run : Run.replay(setup, prefix);
            if (n.run == null) {
                engineSteps += child.stepCount();
            }
            n.run = null;
            int before = child.stepCount();
            child.advance(p);
            engineSteps += child.stepCount() - before;
            Footprint fp = Footprint.of(child.steps().subList(before, child.stepCount()).stream().map(declared).toList());
            Map<Integer, Footprint> childSleep = new TreeMap<>();
            if (reduce) {
                addIndependent(n.sleep, fp, p, childSleep);
                addIndependent(n.done, fp, p, childSleep);
            }
            n.current = p;
            n.currentStep = fp;
            prefix.add(p);
            if (dpor()) {
                order.push(p, fp);
                for (PathOrder.Race r : order.racesOfLast()) {
                    reverse(path, r);
                }
                if (n.below != null) {
                    n.below.add(new StateCache.Move(p, fp));
                }
            }
            if (!enter(child, childSleep, path, p, n.preemptions + n.cost(p))) {
                return;
            }
        }
    }

    /** The next option of {@code n} to explore (in its backtrack set, with source sets), or -1. */
    private int nextOption(Node n) {
        if (n.backtrack != null) {
            for (int p : n.backtrack) {
                if (!n.done.containsKey(p) && !n.sleep.containsKey(p)) {
                    return p;
                }
            }
            return -1;
        }
        while (n.next < n.options.size()) {
            int p = n.options.get(n.next++);
            if (reduce && n.sleep.containsKey(p)) {
                continue;
            }
            if (preemptionBound >= 0 && n.preemptions + n.cost(p) > preemptionBound) {
                boundCuts++;
                truncated = true;
                continue;
            }
            return p;
        }
        return -1;
    }

    /**
     * Makes the node of race {@code r} also explore a coroutine that runs the racing step first. Source sets need
     * only one initial of what follows, and none when one is already there or asleep (explored elsewhere); when no
     * initial can run at that node, every option is explored there (Flanagan and Godefroid's fallback).
     */
    private void reverse(List<Node> path, PathOrder.Race r) {
        Node at = path.get(r.index());
        TreeSet<Integer> c = new TreeSet<>(r.initials());
        c.retainAll(at.options);
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

    /** Counts a state: judges it when the run ended, else pushes it. False when a budget or Cancel stops the search. */
    private boolean enter(Run run, Map<Integer, Footprint> sleep, List<Node> path, int last, int preemptions) {
        if (states >= maxStates || engineSteps >= maxEngineSteps) {
            truncated = true;
            return false;
        }
        if (cancel.getAsBoolean()) {
            cancelled = true;
            truncated = true;
            return false;
        }
        StateCache.Visit key = null;
        if (cache != null) {
            key = new StateCache.Visit(StateDigest.of(run, digestHidden), preemptionBound < 0 ? -1 : last,
                    preemptionBound < 0 ? 0 : preemptions);
            StateCache.Entry seen = cache.seenBefore(key, sleep.keySet(), !run.ended());
            if (seen != null) {
                cacheHits++;
                if (dpor()) {
                    racesBelow(seen, path);
                }
                return true;
            }
        }
        states++;
        if (states % PROGRESS_EVERY == 0) {
            progress.progress(states, interleavings, badRuns);
        }
        if (run.ended()) {
            engineSteps += run.stepCount();
            finish(run);
            return true;
        }
        Node n = new Node(run, sleep, last, preemptions);
        if (dpor()) {
            n.backtrack = new TreeSet<>();
            n.options.stream().filter(p -> !sleep.containsKey(p)).findFirst().ifPresent(n.backtrack::add);
            if (cache != null) {
                n.key = key;
                n.below = new LinkedHashSet<>();
            }
        }
        path.add(n);
        return true;
    }

    /**
     * A cached state is not explored again, but its subtree's steps still race with the path that reached it
     * now: each step taken below it on its first visit is checked against the path as if it came next, which
     * finds every race the subtree would have found and maybe more (Yang, Chen, Gopalakrishnan and Kirby's
     * stateful DPOR, summarised per step). A state still open on the path (a cycle) has no complete summary,
     * so every node on the path then explores all its options.
     */
    private void racesBelow(StateCache.Entry seen, List<Node> path) {
        if (naive) {
            return;
        }
        if (seen.open()) {
            openHits++;
            for (Node n : path) {
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
    private void closed(Node n, List<Node> path) {
        if (n.below == null) {
            return;
        }
        cache.closed(n.key, n.below);
        if (!path.isEmpty()) {
            path.get(path.size() - 1).below.addAll(n.below);
        }
    }

    private static void addIndependent(Map<Integer, Footprint> from, Footprint fp, int p, Map<Integer, Footprint> to) {
        for (var e : from.entrySet()) {
            if (e.getKey() != p && e.getValue().independentOf(fp)) {
                to.put(e.getKey(), e.getValue());
            }
        }
    }

    private void finish(Run run) {
        interleavings++;
        Verdict v = judge.judge(run);
        String key = v.endStateKey();
        Exploration.EndState es = endStates.get(key);
        if (es == null) {
            endStates.put(key, new Exploration.EndState(v, 1, Counterexample.of(run, v)));
        } else {
            endStates.put(key, new Exploration.EndState(es.verdict(), es.runs() + 1, es.first()));
        }
        if (v.bad()) {
            badRuns++;
            if (bad.size() < keepBad) {
                bad.add(Counterexample.of(run, v));
            }
        }
    }
}
