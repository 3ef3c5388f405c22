package dev.blockstep.app.gui.explore;

import dev.blockstep.engine.explore.Counterexample;
import dev.blockstep.engine.explore.Exploration;
import dev.blockstep.engine.explore.Explorer;
import dev.blockstep.engine.explore.Judge;
import dev.blockstep.engine.explore.QemuImgCheck;
import dev.blockstep.engine.explore.RandomSearch;
import dev.blockstep.engine.explore.Scenario;
import dev.blockstep.engine.explore.SearchSettings;
import dev.blockstep.engine.explore.Strategy;
import dev.blockstep.engine.explore.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Runs one search on the calling (background) thread; no JavaFX here. The exhaustive search is the one
 * {@code explore --exhaustive} runs (sleep sets, source sets, and the state cache where it pays, from
 * {@link SearchSettings}), so the window and the CLI count the same states and find the same end states.
 */
public final class ExploreJob {
    /** Counterexamples kept for the list; all are counted. */
    public static final int KEEP = 500;

    /** Progress as it happens: a fraction in [0, 1], or negative when the total is not known. */
    @FunctionalInterface
    public interface Progress {
        void report(double fraction, String text);
    }

    private ExploreJob() {
    }

    public static ExploreOutcome run(Scenario scenario, ExploreRequest req, BooleanSupplier cancel, Progress progress) {
        Scenario s = scenario.withFix(req.fix());
        Judge judge = new Judge(s.setup(), new QemuImgCheck());
        long t0 = System.nanoTime();
        if (!req.mode().random()) {
            Explorer ex = SearchSettings.of(req.maxStates(), Long.MAX_VALUE).explorer(s.setup(), judge, KEEP)
                    .cancelWhen(cancel)
                    .onProgress((states, inter, bad) -> progress.report(-1, states + " states, " + inter
                            + " interleavings, " + bad + " bad"));
            Exploration x = ex.run();
            List<Found> found = new ArrayList<>();
            for (Counterexample c : x.badSchedules()) {
                found.add(new Found(found.size() + 1, s, c, "explore-exhaustive", null));
            }
            return new ExploreOutcome(req, x.states(), x.interleavings(), x.endStates().size(), x.corruptEndStates(),
                    x.driftEndStates(), ex.badRuns(), !x.truncated(), ex.cancelled(), found, millis(t0));
        }
        Map<String, Verdict> ends = new LinkedHashMap<>();
        List<Found> found = new ArrayList<>();
        long[] bad = {0};
        Strategy st = req.mode() == ExploreMode.PCT ? Strategy.PCT : Strategy.UNIFORM;
        RandomSearch r = RandomSearch.run(s.setup(), judge, req.runs(), req.seed(), st, new RandomSearch.Listener() {
            @Override
            public boolean cancelled() {
                return cancel.getAsBoolean();
            }

            @Override
            public void runDone(int index, long seed, Counterexample run) {
                ends.putIfAbsent(run.verdict().endStateKey(), run.verdict());
                if (run.verdict().bad()) {
                    bad[0]++;
                    if (found.size() < KEEP) {
                        found.add(new Found(found.size() + 1, s, run, st == Strategy.PCT ? "pct" : "random", seed));
                    }
                }
                progress.report((index + 1) / (double) req.runs(), (index + 1) + " of " + req.runs() + " runs, "
                        + bad[0] + " bad");
            }
        });
        long corrupt = ends.values().stream().filter(Verdict::corrupt).count();
        long drift = ends.values().stream().filter(v -> !v.drifts().isEmpty()).count();
        boolean cancelled = r.runs() < req.runs();
        return new ExploreOutcome(req, r.engineSteps(), r.runs(), ends.size(), corrupt, drift, bad[0], !cancelled,
                cancelled, found, millis(t0));
    }

    private static long millis(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
