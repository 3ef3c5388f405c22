package dev.blockstep.engine.explore;

import dev.blockstep.engine.snapshot.Step;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
    private boolean summaries = true;
    /** The source-set state of the running search; null when it does not use source sets. */
    private SourceSets dpor;

    /** Test hook: source sets with the cache but without its step summaries, the unsound naive combination. */
    Explorer naiveCache() {
        this.summaries = false;
        return this;
    }

    /** Races whose reversal no coroutine at the node could start, so that node explored every option. */
    public long fullExpansions() {
        return dpor == null ? 0 : dpor.fullExpansions();
    }

    /** Cache hits on a state still open on the path (a cycle), which made every node on it explore everything. */
    public long openHits() {
        return dpor == null ? 0 : dpor.openHits();
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

    private List<Integer> startPrefix = List.of();
    private Map<Integer, Footprint> startSleep = Map.of();

    /**
     * Searches only the subtree under {@code prefix}, entered with sleep set {@code sleep} ({@link SplitSearch}'s
     * parts). Races with the prefix's steps are not looked for: the split explores every option above it.
     */
    Explorer startAt(List<Integer> prefix, Map<Integer, Footprint> sleep) {
        this.startPrefix = List.copyOf(prefix);
        this.startSleep = Map.copyOf(sleep);
        return this;
    }

    public Exploration run() {
        long t0 = System.nanoTime();
        dpor = sourceSets && reduce && preemptionBound < 0 ? new SourceSets(summaries) : null;
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
     * Depth-first search with an explicit path: a workload of thousands of requests has a search tree tens of
     * thousands of macro steps deep, far deeper than the Java stack. The choices to the top node are in
     * {@code prefix}; with source sets, {@code order} holds the steps taken out of every node on the path.
     */
    private void search() {
        List<Integer> prefix = new ArrayList<>(startPrefix);
        List<SearchNode> path = new ArrayList<>();
        Run root = Run.replay(setup, startPrefix);
        engineSteps += startPrefix.isEmpty() ? 0 : root.stepCount();
        if (!enter(root, new TreeMap<>(startSleep), path, startPrefix.isEmpty() ? -1
                : startPrefix.get(startPrefix.size() - 1), 0)) {
            return;
        }
        while (!path.isEmpty()) {
            SearchNode n = path.get(path.size() - 1);
            if (n.current >= 0) {
                n.done.put(n.current, n.currentStep);
                n.explored = true;
                n.current = -1;
                prefix.remove(prefix.size() - 1);
                if (dpor != null) {
                    dpor.returned();
                }
            }
            int p = nextOption(n);
            if (p < 0) {
                if (!n.explored) {
                    sleepBlocked++;
                }
                path.remove(path.size() - 1);
                if (dpor != null) {
                    dpor.closed(n, path, cache);
                }
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
            if (dpor != null) {
                dpor.stepped(path, n, p, fp);
            }
            if (!enter(child, childSleep, path, p, n.preemptions + n.cost(p))) {
                return;
            }
        }
    }

    /** The next option of {@code n} to explore (in its backtrack set, with source sets), or -1. */
    private int nextOption(SearchNode n) {
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

    /** Counts a state: judges it when the run ended, else pushes it. False when a budget or Cancel stops the search. */
    private boolean enter(Run run, Map<Integer, Footprint> sleep, List<SearchNode> path, int last, int preemptions) {
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
                if (dpor != null) {
                    dpor.cacheHit(seen, path);
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
        SearchNode n = new SearchNode(run, sleep, last, preemptions);
        if (dpor != null) {
            dpor.entered(n, cache == null ? null : key);
        }
        path.add(n);
        return true;
    }

    static void addIndependent(Map<Integer, Footprint> from, Footprint fp, int p, Map<Integer, Footprint> to) {
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
