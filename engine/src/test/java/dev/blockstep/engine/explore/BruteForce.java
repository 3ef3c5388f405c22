package dev.blockstep.engine.explore;

import dev.blockstep.engine.session.Engine;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * An independent enumeration for tests: every schedule at the level of single engine steps, no macro steps, no
 * reduction, no hashing of intermediate states. Each schedule is replayed on a fresh engine.
 */
final class BruteForce {
    long schedules;
    /** End image hash to the toy check's error lines. */
    final TreeMap<Long, List<String>> endStates = new TreeMap<>();
    long badSchedules;

    BruteForce(ExploreSetup setup) {
        walk(setup, new ArrayList<>());
    }

    private void walk(ExploreSetup setup, List<Integer> prefix) {
        Engine e = setup.newEngine();
        for (int c : prefix) {
            e.step(c);
        }
        List<Integer> r = e.scheduler().runnable();
        if (r.isEmpty()) {
            schedules++;
            List<String> errs = ToyQcow2.check(e.file());
            endStates.put(e.file().contentHash(), errs);
            if (!errs.isEmpty()) {
                badSchedules++;
            }
            return;
        }
        for (int c : r) {
            prefix.add(c);
            walk(setup, prefix);
            prefix.remove(prefix.size() - 1);
        }
    }
}
