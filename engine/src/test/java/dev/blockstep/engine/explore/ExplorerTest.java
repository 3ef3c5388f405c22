package dev.blockstep.engine.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ExplorerTest {

    private static TreeSet<Long> hashes(Exploration x) {
        TreeSet<Long> s = new TreeSet<>();
        x.endStates().values().forEach(e -> s.add(e.verdict().imageHash()));
        return s;
    }

    @Test
    void withoutReductionTheExplorerCountsExactlyTheBruteForceSchedules() {
        ExploreSetup s = ToyScenarios.minimalRace(false);
        BruteForce bf = new BruteForce(s);
        Exploration x = ToyScenarios.explore(s, false);
        assertEquals(bf.schedules, x.interleavings());
        assertEquals(bf.badSchedules, x.badSchedules().stream().filter(c -> c.verdict().corrupt()).count());
        assertEquals(bf.endStates.keySet(), hashes(x));
    }

    @Test
    void reductionReachesEveryEndStateTheBruteForceReaches() {
        for (boolean fix : new boolean[] {false, true}) {
            ExploreSetup s = ToyScenarios.minimalRace(fix);
            BruteForce bf = new BruteForce(s);
            Exploration x = ToyScenarios.explore(s, true);
            assertEquals(bf.endStates.keySet(), hashes(x), "fix " + fix);
            assertTrue(x.interleavings() <= bf.schedules);
        }
    }

    @Test
    void theUnfixedMinimalRaceHasCorruptingSchedules() {
        Exploration x = ToyScenarios.explore(ToyScenarios.minimalRace(false), true);
        assertTrue(x.corruptEndStates() > 0);
        assertTrue(x.firstCounterexample().verdict().checkLines().get(0).contains("refcount=0 reference=1"),
                x.firstCounterexample().verdict().summary());
    }

    @Test
    void theFixedMinimalRaceHasNoBadSchedule() {
        Exploration x = ToyScenarios.explore(ToyScenarios.minimalRace(true), true);
        assertEquals(0, x.badEndStates(), () -> x.firstCounterexample().verdict().summary());
        assertFalse(x.truncated());
    }
}
