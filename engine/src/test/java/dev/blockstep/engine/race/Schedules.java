package dev.blockstep.engine.race;

import dev.blockstep.engine.explore.ExploreSetup;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.session.Engine;
import dev.blockstep.engine.snapshot.Step;
import java.util.ArrayList;
import java.util.List;

/**
 * Every step-level schedule of a small workload, by brute force: no reduction and no Explorer, so a test
 * built on it does not trust the component it may be checking. Each run starts from a fresh engine and replays
 * its prefix.
 */
final class Schedules {
    static final int CLUSTER = 65536;
    private static final int LIMIT = 200_000;

    /** One complete schedule: its steps in order and the host file it left. */
    record Run(List<Step> steps, HostFile end) { }

    private Schedules() {
    }

    /** Every schedule of {@code s}, in depth-first order. */
    static List<Run> all(ExploreSetup s) {
        List<Run> out = new ArrayList<>();
        walk(s, new ArrayList<>(), out);
        return out;
    }

    private static void walk(ExploreSetup s, List<Integer> prefix, List<Run> out) {
        Engine e = s.newEngine();
        List<Step> steps = new ArrayList<>();
        for (int c : prefix) {
            steps.add(e.step(c));
        }
        List<Integer> runnable = e.scheduler().runnable();
        if (runnable.isEmpty()) {
            if (!e.finished()) {
                throw new AssertionError("a schedule deadlocks after " + prefix);
            }
            if (out.size() == LIMIT) {
                throw new AssertionError("more than " + LIMIT + " schedules: make the workload smaller");
            }
            out.add(new Run(steps, e.file().copy()));
            return;
        }
        for (int c : runnable) {
            prefix.add(c);
            walk(s, prefix, out);
            prefix.remove(prefix.size() - 1);
        }
    }
}
