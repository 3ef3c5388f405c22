package dev.blockstep.engine.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The state cache merges states by a digest; a digest that misses something a later step depends on merges
 * different states and loses end states. The oracle is brute force: every schedule, no reduction, no cache,
 * must reach exactly the end states (image bytes, stderr, drift, hang) the cached sleep-set search reaches.
 */
class StateCacheOracleTest {

    private static Set<String> endStates(ExploreSetup s, boolean reduce, boolean cache, Set<String> hidden) {
        Explorer e = new Explorer(s, new Judge(s, new QemuImgCheck()), reduce, 10_000_000, 1).cacheStates(cache)
                .digestHiding(hidden);
        Exploration x = e.run();
        assertFalse(x.truncated());
        return new TreeSet<>(x.endStates().keySet());
    }

    private static void cachedMatchesBruteForce(ExploreSetup s) {
        assertEquals(endStates(s, false, false, Set.of()), endStates(s, true, true, Set.of()));
    }

    @Test
    void cachedSearchReachesTheEndStatesOfEverySchedule() {
        cachedMatchesBruteForce(Qcow2Scenarios.minimalRace(false));
        cachedMatchesBruteForce(Qcow2Scenarios.minimalRace(true));
        cachedMatchesBruteForce(Qcow2Scenarios.setup("write -P 0x11 0 64k\nwrite -z 0 64k\n",
                "aio_write -P 0x22 0 64k\naio_write -z 0 64k\naio_flush\n", false));
        cachedMatchesBruteForce(Qcow2Scenarios.setup("write -P 0x11 0 128k\n",
                "aio_write -P 0x22 0 64k\ndiscard 64k 64k\nread 0 128k\naio_flush\n", false));
        cachedMatchesBruteForce(Qcow2Scenarios.setup("write -P 0x11 0 64k\n",
                "aio_write -P 0x22 0 4k\naio_write -P 0x33 8k 4k\naio_flush\n", false));
    }

    @Test
    void aDigestBlindToTheImageBytesLosesEndStates() {
        ExploreSetup s = Qcow2Scenarios.minimalRace(false);
        Set<String> all = endStates(s, false, false, Set.of());
        // the file node's write_gen, and the flushed_gen and current_gen read off it, count the file's writes, so
        // they tell apart states whose bytes differ: a digest blind to the bytes must not see them either
        Set<String> blind = endStates(s, true, true, Set.of("HostFile", "CacheDependencies", "FlushState", "FileFlush",
                "CacheFileFlushes"));
        assertNotEquals(all, blind);
        assertTrue(all.containsAll(blind));
        // Hiding one field alone (cluster_allocs, the lock's owner or waiters, free_cluster_index, the tracked
        // list, the coroutine states, the refcounts, the run's history) was tried too and is NOT caught on the
        // minimal race: each is implied by other fields still hashed (the coroutines' phases, the image), so
        // the merged states really were equal. The brute-force comparison above is the guard that matters.
    }

    @Test
    void theCacheCutsTheMinimalRaceAndKeepsItsCorruptEndStates() {
        ExploreSetup s = Qcow2Scenarios.minimalRace(false);
        Exploration sleepOnly = new Explorer(s, new Judge(s, new QemuImgCheck()), true, 10_000_000, 1).run();
        Explorer cached = new Explorer(s, new Judge(s, new QemuImgCheck()), true, 10_000_000, 1).cacheStates(true);
        Exploration x = cached.run();
        assertTrue(cached.cacheHits() > 0);
        assertTrue(x.states() < sleepOnly.states(), x.states() + " states with the cache, " + sleepOnly.states() + " without");
        assertEquals(sleepOnly.corruptEndStates(), x.corruptEndStates());
    }
}
