package dev.blockstep.engine.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.session.Engine;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The explorer on the real qcow2 driver, against an independent step-level enumeration with the real checker. */
class Qcow2ExplorerTest {

    /** Every step-level schedule: end image hash to whether qemu-img check finds errors. */
    private static long enumerate(ExploreSetup s, List<Integer> prefix, TreeMap<Long, Boolean> ends, long[] bad) {
        Engine e = s.newEngine();
        prefix.forEach(e::step);
        List<Integer> r = e.scheduler().runnable();
        if (r.isEmpty()) {
            boolean corrupt = !new QemuImgCheck().errors(e.file()).isEmpty();
            ends.put(e.file().contentHash(), corrupt);
            bad[0] += corrupt ? 1 : 0;
            return 1;
        }
        long n = 0;
        for (int c : r) {
            prefix.add(c);
            n += enumerate(s, prefix, ends, bad);
            prefix.remove(prefix.size() - 1);
        }
        return n;
    }

    private static void agreesWithBruteForce(ExploreSetup s) {
        TreeMap<Long, Boolean> ends = new TreeMap<>();
        long[] bad = {0};
        long schedules = enumerate(s, new ArrayList<>(), ends, bad);
        Exploration full = Qcow2Scenarios.explore(s, false);
        Exploration reduced = Qcow2Scenarios.explore(s, true);
        assertEquals(schedules, full.interleavings(), "every schedule once without reduction");
        long fullCorrupt = full.endStates().values().stream().filter(e -> e.verdict().corrupt())
                .mapToLong(Exploration.EndState::runs).sum();
        assertEquals(bad[0], fullCorrupt, "corrupt schedules");
        TreeMap<Long, Boolean> reducedEnds = new TreeMap<>();
        reduced.endStates().values().forEach(e -> reducedEnds.put(e.verdict().imageHash(), e.verdict().corrupt()));
        assertEquals(ends, reducedEnds, "the reduced search reaches the same end states with the same verdicts");
        assertTrue(reduced.interleavings() < schedules, "the reduction skips equivalent schedules");
    }

    @Test
    void theMinimalRaceUnfixedReachesTheBruteForceEndStates() {
        agreesWithBruteForce(Qcow2Scenarios.minimalRace(false));
    }

    @Test
    void theMinimalRaceFixedReachesTheBruteForceEndStates() {
        agreesWithBruteForce(Qcow2Scenarios.minimalRace(true));
    }

    @Test
    void theNoUnmapVariantReachesTheBruteForceEndStatesAndIsClean() {
        ExploreSetup s = Qcow2Scenarios.setup("write -P 0x11 0 64k\nwrite -z 0 64k\n",
                "aio_write -P 0x22 0 64k\naio_write -z 0 64k\naio_flush\n", false);
        agreesWithBruteForce(s);
        assertEquals(0, Qcow2Scenarios.explore(s, true).badEndStates());
    }

    @Test
    void theUnfixedMinimalRaceEndsWithQemusR1Signature() {
        Exploration x = Qcow2Scenarios.explore(Qcow2Scenarios.minimalRace(false), true);
        // Two corrupt end states with the same metadata: W1's data lands on host cluster 5 before Z2's punch of it
        // (zeros stay, as in the captured R1 log) or after (0x22 stays). The brute force counts them independently.
        TreeMap<Long, Boolean> ends = new TreeMap<>();
        enumerate(Qcow2Scenarios.minimalRace(false), new ArrayList<>(), ends, new long[] {0});
        assertEquals(ends.values().stream().filter(b -> b).count(), x.corruptEndStates());
        // Engine-measured regression figure (our explorer on our engine), not evidence about qemu.
        assertEquals(2, x.corruptEndStates(), "engine-measured regression figure, not qemu evidence: corrupt end states");
        for (Exploration.EndState e : x.endStates().values()) {
            if (e.verdict().corrupt()) {
                assertEquals(List.of("ERROR cluster 5 refcount=0 reference=1",
                        "ERROR OFLAG_COPIED data cluster: l2_entry=8000000000050000 refcount=0"), e.verdict().checkLines());
            }
        }
    }

    @Test
    void everyCorruptScheduleOfTheMinimalRaceLetsTheZeroWriteRunWhileTheWriterHasDroppedTheLock() {
        Exploration x = new Explorer(Qcow2Scenarios.minimalRace(false),
                new Judge(Qcow2Scenarios.minimalRace(false), new QemuImgCheck()), false, 1_000_000, 1000).run();
        TreeSet<String> zeroizeBeforeLink = new TreeSet<>();
        for (Counterexample c : x.badSchedules()) {
            Map<Integer, String> co = new HashMap<>();
            c.commands().forEach(ic -> co.put(ic.coroutine(), ic.name()));
            List<String> names = c.schedule().stream().map(st -> co.get(st.coroutine()) + ":" + st.name()).toList();
            int zero = names.indexOf("Z2:qcow2_pwrite_zeroes");
            int data = names.indexOf("W1:qcow2_writev_data");
            int link = names.indexOf("W1:qcow2_cluster_link_l2");
            assertTrue(data >= 0 && data < zero && zero < link, String.join(" ", names));
            zeroizeBeforeLink.add(c.describe());
        }
        assertEquals(x.badSchedules().size(), zeroizeBeforeLink.size(), "each bad schedule listed once");
    }

    /** Every step-level schedule: (zeroize between the writer's lock drop and its link, check found errors). */
    private static void classify(ExploreSetup s, List<Integer> prefix, List<boolean[]> out) {
        Engine e = s.newEngine();
        List<String> names = new ArrayList<>();
        for (int c : prefix) {
            var st = e.step(c);
            names.add(e.scheduler().coroutine(st.coroutine()).name() + ":" + st.name());
        }
        List<Integer> r = e.scheduler().runnable();
        if (r.isEmpty()) {
            int zero = names.indexOf("Z2:qcow2_pwrite_zeroes");
            int data = names.indexOf("W1:qcow2_writev_data");
            int link = names.indexOf("W1:qcow2_cluster_link_l2");
            out.add(new boolean[] {data < zero && zero < link, !new QemuImgCheck().errors(e.file()).isEmpty()});
            return;
        }
        for (int c : r) {
            prefix.add(c);
            classify(s, prefix, out);
            prefix.remove(prefix.size() - 1);
        }
    }

    @Test
    void aScheduleOfTheMinimalRaceCorruptsExactlyWhenTheZeroWriteLandsInsideTheWritersLockDrop() {
        List<boolean[]> all = new ArrayList<>();
        classify(Qcow2Scenarios.minimalRace(false), new ArrayList<>(), all);
        long inWindow = all.stream().filter(b -> b[0]).count();
        assertTrue(inWindow > 0 && inWindow < all.size());
        for (boolean[] b : all) {
            assertEquals(b[0], b[1]);
        }
    }

    @Test
    void onThreeRequestsTheReducedSearchReachesEveryEndStateAndVerdictOfTheFullOne() {
        ExploreSetup s = Qcow2Scenarios.setup("write -P 0x11 0 64k\n",
                "aio_write -P 0x22 0 64k\naio_write -z -u 0 64k\naio_write -P 0x33 64k 64k\naio_flush\n", false);
        Exploration full = Qcow2Scenarios.explore(s, false);
        Exploration reduced = Qcow2Scenarios.explore(s, true);
        assertEquals(full.endStates().keySet(), reduced.endStates().keySet(), "image, stderr and drift of every end");
        assertTrue(reduced.interleavings() < full.interleavings());
    }
}
