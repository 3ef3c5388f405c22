package dev.blockstep.engine.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A ratchet on how many states the default search explores on the three-request mirror-target workload (a job's
 * copy write, the guest's write-zeroes with unmap, a guest write to the next cluster). The bounds are engine
 * figures, not evidence about qemu: when the file-node flush steps came in, a digest that hashed history (write_gen
 * numbers, finished coroutines' locals, blocked-on text, the order of requests the oracle never compares) took this
 * search from 785 to 2,134 states; with those left out it takes 691. Hashing write_gen values by number again makes
 * it 943 (seen failing); the other rules are subsumed on this workload and pinned by {@link StateDigestTest}. A
 * change that makes the digest tell equal futures apart again, or adds yield points, fails here and should say why
 * in the bound it moves. qcow2_co_flush_to_os yielding once per dirty cache entry (an allocating write's flush
 * writes the refcount block, syncs the file for the L2 cache's dependency, then writes the L2 table: three yields
 * where there was one) and not at all on clean caches took it to 905 (measured; leaving the cache entries' state
 * out of the digest gives the same 905, so the rise is the yields).
 */
class StateCountRatchetTest {

    @Test
    void theMirrorTargetWorkloadStaysWithinItsStates() {
        ExploreSetup s = Qcow2Scenarios.setup("write -P 0x11 0 64k\nwrite -z 0 64k\n",
                "aio_write -P 0x22 0 64k\naio_write -z -u 0 64k\naio_write -P 0x33 64k 64k\naio_flush\n", false);
        Exploration x = SearchSettings.of(100_000, Long.MAX_VALUE).explorer(s, new Judge(s, new QemuImgCheck()), 1).run();
        assertTrue(x.states() <= 950, x.states() + " states");
        assertEquals(2, x.corruptEndStates());
    }
}
