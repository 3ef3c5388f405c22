package dev.blockstep.engine.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The preemption bound: a bounded search is a subset, says it is incomplete, and a loose bound changes nothing. */
class PreemptionBoundTest {

    private static Explorer explorer(ExploreSetup s, int bound) {
        return new Explorer(s, new Judge(s, new QemuImgCheck()), true, 10_000_000, 1).cacheStates(true)
                .preemptionBound(bound);
    }

    @Test
    void aBoundedSearchReachesOnlyRealEndStatesAndSaysItIsIncomplete() {
        ExploreSetup s = Qcow2Scenarios.minimalRace(false);
        Exploration all = explorer(s, -1).run();
        Set<String> allEnds = new TreeSet<>(all.endStates().keySet());
        Explorer none = explorer(s, 0);
        Exploration x = none.run();
        assertTrue(none.boundCuts() > 0);
        assertTrue(x.truncated(), "a search the bound cut must not count as complete");
        assertTrue(x.states() < all.states(), x.states() + " states with bound 0, " + all.states() + " without");
        assertTrue(allEnds.containsAll(x.endStates().keySet()));
    }

    @Test
    void aLooseBoundIsTheUnboundedSearch() {
        ExploreSetup s = Qcow2Scenarios.minimalRace(false);
        Exploration all = explorer(s, -1).run();
        Explorer loose = explorer(s, 1000);
        Exploration x = loose.run();
        assertEquals(0, loose.boundCuts());
        assertFalse(x.truncated());
        // the same end states; not the same state count, as the cache then also tells states apart by the
        // coroutine chosen last and the preemptions spent
        assertEquals(new TreeSet<>(all.endStates().keySet()), new TreeSet<>(x.endStates().keySet()));
    }

    @Test
    void aFewPreemptionsReachEveryCorruptEndStateOfTheMinimalRace() {
        // Engine-measured, not qemu evidence: one of the two corrupt end states needs no preemption (W1 is
        // switched away from only where it blocks), the other needs one more; two reach both.
        ExploreSetup s = Qcow2Scenarios.minimalRace(false);
        long all = explorer(s, -1).run().corruptEndStates();
        assertTrue(explorer(s, 0).run().corruptEndStates() < all, "engine-measured: bound 0 misses a corrupt end state");
        assertEquals(all, explorer(s, 2).run().corruptEndStates(), "engine-measured: bound 2 reaches them all");
    }
}
