package dev.blockstep.engine.explore;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * One exhaustive search split across threads. The tree is expanded breadth-first, with sleep sets and every option
 * not asleep, until it has at least {@value #PARTS} open nodes; each is then searched as its own part (its own
 * explorer, state cache and source sets), and the parts are merged in depth-first order. The split depends only on
 * the workload, never on the thread count, so the result (counts, end states, the first counterexample) is the
 * same on one thread as on many; it differs from the unsplit search's counts, since a state reached in two parts
 * is explored in both.
 *
 * <p>Exploring every option above the split keeps source sets sound within each part: a race between a part's
 * step and the prefix could only ask a prefix node for an option it explores anyway.
 */
public final class SplitSearch {
    static final int PARTS = 4;

    private SplitSearch() {
    }

    /** A part: the choices leading to it, and the sleep set it is entered with. */
    private record Part(List<Integer> prefix, Map<Integer, Footprint> sleep) { }

    /**
     * @param explorers a fresh explorer for each part, configured like the unsplit search would be (budgets apply
     *                  to each part)
     */
    public static Exploration run(ExploreSetup setup, Supplier<Explorer> explorers, int threads) {
        return run(setup, explorers, threads, PARTS);
    }

    static Exploration run(ExploreSetup setup, Supplier<Explorer> explorers, int threads, int minParts) {
        long t0 = System.nanoTime();
        long[] above = new long[3]; // states, engine steps, branches cut by sleep sets above the split
        List<Part> parts = split(setup, above, minParts);
        List<Supplier<Exploration>> searches = new ArrayList<>();
        for (Part p : parts) {
            searches.add(() -> explorers.get().startAt(p.prefix(), p.sleep()).run());
        }
        return merge(ParallelSearches.run(searches, threads), above, System.nanoTime() - t0);
    }

    private static List<Part> split(ExploreSetup setup, long[] above, int minParts) {
        List<Part> level = List.of(new Part(List.of(), new TreeMap<>()));
        while (level.size() < minParts) {
            List<Part> next = new ArrayList<>();
            boolean grew = false;
            for (Part part : level) {
                Run at = Run.replay(setup, part.prefix());
                above[1] += at.stepCount();
                if (at.ended()) {
                    next.add(part);
                    continue;
                }
                grew = true;
                above[0]++;
                Map<Integer, Footprint> done = new TreeMap<>();
                for (int p : at.options()) {
                    if (part.sleep().containsKey(p)) {
                        continue;
                    }
                    Run child = Run.replay(setup, part.prefix());
                    int before = child.stepCount();
                    child.advance(p);
                    above[1] += child.stepCount();
                    Footprint fp = Footprint.of(child.steps().subList(before, child.stepCount()));
                    Map<Integer, Footprint> sleep = new TreeMap<>();
                    Explorer.addIndependent(part.sleep(), fp, p, sleep);
                    Explorer.addIndependent(done, fp, p, sleep);
                    done.put(p, fp);
                    List<Integer> prefix = new ArrayList<>(part.prefix());
                    prefix.add(p);
                    next.add(new Part(prefix, sleep));
                }
                if (done.isEmpty()) {
                    above[2]++;
                }
            }
            level = next;
            if (!grew) {
                break;
            }
        }
        return level;
    }

    private static Exploration merge(List<Exploration> parts, long[] above, long nanos) {
        long states = above[0];
        long interleavings = 0;
        long sleepBlocked = above[2];
        long steps = above[1];
        long hits = 0;
        boolean truncated = false;
        Map<String, Exploration.EndState> ends = new LinkedHashMap<>();
        List<Counterexample> bad = new ArrayList<>();
        for (Exploration x : parts) {
            states += x.states();
            interleavings += x.interleavings();
            sleepBlocked += x.sleepBlocked();
            steps += x.engineSteps();
            hits += x.cacheHits();
            truncated |= x.truncated();
            bad.addAll(x.badSchedules());
            x.endStates().forEach((k, e) -> ends.merge(k, e, (a, b) ->
                    new Exploration.EndState(a.verdict(), a.runs() + b.runs(), a.first())));
        }
        return new Exploration(states, interleavings, sleepBlocked, steps, ends, bad, truncated, nanos, hits);
    }
}
