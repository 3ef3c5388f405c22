package dev.blockstep.engine.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Source-set DPOR, alone and with the state cache, against brute force (every schedule, no reduction, no cache):
 * both must reach exactly the same end states (image bytes, stderr, drift, hang) on every small workload.
 */
class SourceSetOracleTest {

    static Set<String> endStates(ExploreSetup s, boolean reduce, boolean cache, boolean dpor,
                                 UnaryOperator<Explorer> hook) {
        Explorer e = hook.apply(new Explorer(s, new Judge(s, new QemuImgCheck()), reduce, 10_000_000, 1)
                .cacheStates(cache).sourceSets(dpor));
        Exploration x = e.run();
        assertFalse(x.truncated());
        return new TreeSet<>(x.endStates().keySet());
    }

    static Set<String> bruteForce(ExploreSetup s) {
        return endStates(s, false, false, false, UnaryOperator.identity());
    }

    static final String[][] WORKLOADS = {
        {"write -P 0x11 0 64k\nwrite -z 0 64k\n", "aio_write -P 0x22 0 64k\naio_write -z -u 0 64k\naio_flush\n"},
        {"write -P 0x11 0 64k\nwrite -z 0 64k\n", "aio_write -P 0x22 0 64k\naio_write -z 0 64k\naio_flush\n"},
        {"write -P 0x11 0 128k\n", "aio_write -P 0x22 0 64k\ndiscard 64k 64k\nread 0 128k\naio_flush\n"},
        {"write -P 0x11 0 64k\n", "aio_write -P 0x22 0 4k\naio_write -P 0x33 8k 4k\naio_flush\n"},
    };

    @Test
    void sourceSetsWithAndWithoutTheCacheReachEveryEndState() {
        for (String[] w : WORKLOADS) {
            for (boolean fix : new boolean[] {false, true}) {
                ExploreSetup s = Qcow2Scenarios.setup(w[0], w[1], fix);
                Set<String> all = bruteForce(s);
                assertEquals(all, endStates(s, true, false, true, UnaryOperator.identity()), w[1] + " fix " + fix);
                assertEquals(all, endStates(s, true, true, true, UnaryOperator.identity()), w[1] + " fix " + fix);
            }
        }
    }

    @Test
    void theCacheWithoutStepSummariesLosesEndStates() {
        // Naive DPOR plus a state table: a cached state's subtree no longer adds the backtrack points its races
        // with the new path need, so orders reached only through them are lost.
        int lost = 0;
        for (String[] w : WORKLOADS) {
            ExploreSetup s = Qcow2Scenarios.setup(w[0], w[1], false);
            Set<String> all = bruteForce(s);
            Set<String> naive = endStates(s, true, true, true, Explorer::naiveCache);
            assertTrue(all.containsAll(naive));
            lost += all.size() - naive.size();
        }
        assertTrue(lost > 0, "the naive combination should lose an end state on one of these workloads");
    }
}
