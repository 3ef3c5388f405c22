package dev.blockstep.engine.explore;

import dev.blockstep.engine.snapshot.Step;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
        this.visited = on ? new HashMap<>() : null;
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

    private Map<StateDigest.Key, Set<Integer>> visited;
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

        Node(Run run, Map<Integer, Footprint> sleep) {
            this.run = run;
            this.sleep = sleep;
            this.options = run.options();
        }
    }

    /**
     * Depth-first search with an explicit stack: a workload of thousands of requests has a search tree tens of
     * thousands of macro steps deep, far deeper than the Java stack.
     */
    private void search() {
        List<Integer> prefix = new ArrayList<>();
        ArrayDeque<Node> stack = new ArrayDeque<>();
        if (!enter(new Run(setup), new TreeMap<>(), stack)) {
            return;
        }
        while (!stack.isEmpty()) {
            Node n = stack.peek();
            if (n.current >= 0) {
                n.done.put(n.current, n.currentStep);
                n.explored = true;
                n.current = -1;
            }
            int p = nextOption(n);
            if (p < 0) {
                if (!n.explored) {
                    sleepBlocked++;
                }
                stack.pop();
                if (!prefix.isEmpty()) {
                    prefix.remove(prefix.size() - 1);
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
            int depth = stack.size();
            if (!enter(child, childSleep, stack)) {
                return;
            }
            if (stack.size() == depth) {
                prefix.remove(prefix.size() - 1);
            }
        }
    }

    /** The next option of {@code n} not asleep, or -1. */
    private int nextOption(Node n) {
        while (n.next < n.options.size()) {
            int p = n.options.get(n.next++);
            if (!(reduce && n.sleep.containsKey(p))) {
                return p;
            }
        }
        return -1;
    }

    /** Counts a state: judges it when the run ended, else pushes it. False when a budget or Cancel stops the search. */
    private boolean enter(Run run, Map<Integer, Footprint> sleep, ArrayDeque<Node> stack) {
        if (states >= maxStates || engineSteps >= maxEngineSteps) {
            truncated = true;
            return false;
        }
        if (cancel.getAsBoolean()) {
            cancelled = true;
            truncated = true;
            return false;
        }
        if (visited != null && seenBefore(run, sleep.keySet())) {
            cacheHits++;
            return true;
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
        stack.push(new Node(run, sleep));
        return true;
    }

    /** Whether the cache covers this state with this sleep set; records the visit when it does not. */
    private boolean seenBefore(Run run, Set<Integer> asleep) {
        StateDigest.Key k = StateDigest.of(run, digestHidden);
        Set<Integer> stored = visited.get(k);
        if (stored != null && asleep.containsAll(stored)) {
            return true;
        }
        Set<Integer> now = new TreeSet<>(asleep);
        if (stored != null) {
            now.retainAll(stored);
        }
        visited.put(k, now);
        return false;
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
