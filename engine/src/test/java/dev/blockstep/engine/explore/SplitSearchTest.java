package dev.blockstep.engine.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The split search reaches the end states of brute force, and gives the same result on any number of threads. */
class SplitSearchTest {

    private static Exploration split(ExploreSetup s, int threads) {
        return SplitSearch.run(s, () -> SearchSettings.of(10_000_000, Long.MAX_VALUE)
                .explorer(s, new Judge(s, new QemuImgCheck()), 1000), threads);
    }

    @Test
    void theSplitSearchReachesEveryEndState() {
        for (String[] w : SourceSetOracleTest.WORKLOADS) {
            ExploreSetup s = Qcow2Scenarios.setup(w[0], w[1], false);
            Exploration x = split(s, 2);
            assertFalse(x.truncated());
            assertEquals(SourceSetOracleTest.bruteForce(s), new TreeSet<>(x.endStates().keySet()), w[1]);
        }
    }

    @Test
    void oneThreadAndThreeThreadsGiveTheSameResult() {
        ExploreSetup s = Qcow2Scenarios.setup("write -P 0x11 0 64k\n",
                "aio_write -P 0x22 0 64k\naio_write -z -u 0 64k\naio_write -P 0x33 64k 64k\naio_flush\n", false);
        Exploration one = split(s, 1);
        Exploration three = split(s, 3);
        assertEquals(summary(one), summary(three));
    }

    private static List<Object> summary(Exploration x) {
        return List.of(x.states(), x.interleavings(), x.engineSteps(), x.cacheHits(), x.sleepBlocked(),
                List.copyOf(x.endStates().keySet()), x.endStates().values().stream().map(e -> e.runs()).toList(),
                x.badSchedules().stream().map(Counterexample::describe).toList());
    }
}
