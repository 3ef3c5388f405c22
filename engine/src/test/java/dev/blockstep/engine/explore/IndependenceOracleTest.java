package dev.blockstep.engine.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.session.Engine;
import dev.blockstep.engine.snapshot.Resource;
import dev.blockstep.engine.snapshot.Step;
import dev.blockstep.engine.snapshot.Touch;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Checks every independence claim the footprints make, by running both orders. At every node of the unreduced
 * search tree of a small workload, for every two macro steps whose declared footprints say they commute, p then q
 * and q then p must both be possible and must leave the same engine state (host file bytes, metadata, locks,
 * tracked requests, every coroutine's state, stderr, and everything else {@link StateDigest} hashes). One step that hides a single host-cluster write is caught
 * here even where the end-state comparison ({@link FootprintOracleTest}) cannot see it.
 */
class IndependenceOracleTest {

    /** Claims of independence that running both orders refutes, described; empty when every claim holds. */
    static List<String> refutedClaims(ExploreSetup s, UnaryOperator<Step> declared) {
        List<String> out = new ArrayList<>();
        walk(s, declared, new ArrayList<>(), out);
        return out;
    }

    private static void walk(ExploreSetup s, UnaryOperator<Step> declared, List<Integer> prefix, List<String> out) {
        Run here = Run.replay(s, prefix);
        if (here.ended()) {
            return;
        }
        List<Integer> options = here.options();
        List<Footprint> fps = new ArrayList<>();
        for (int p : options) {
            Run r = Run.replay(s, prefix);
            int before = r.stepCount();
            r.advance(p);
            fps.add(Footprint.of(r.steps().subList(before, r.stepCount()).stream().map(declared).toList()));
        }
        for (int i = 0; i < options.size(); i++) {
            for (int j = i + 1; j < options.size(); j++) {
                if (fps.get(i).independentOf(fps.get(j))) {
                    String why = commute(s, prefix, options.get(i), options.get(j));
                    if (why != null) {
                        out.add("after " + prefix + ": " + ("co" + options.get(i)) + " " + fps.get(i) + " and "
                                + ("co" + options.get(j)) + " " + fps.get(j) + " " + why);
                    }
                }
            }
        }
        for (int p : options) {
            prefix.add(p);
            walk(s, declared, prefix, out);
            prefix.remove(prefix.size() - 1);
        }
    }

    /** Null when p·q and q·p are both possible and end in the same state, else what differs. */
    private static String commute(ExploreSetup s, List<Integer> prefix, int p, int q) {
        Run pq = Run.replay(s, prefix);
        pq.advance(p);
        Run qp = Run.replay(s, prefix);
        qp.advance(q);
        if (!pq.options().contains(q) || !qp.options().contains(p)) {
            return "do not commute: one disables the other";
        }
        pq.advance(q);
        qp.advance(p);
        Engine a = pq.engine();
        Engine b = qp.engine();
        if (a.file().contentHash() != b.file().contentHash()) {
            return "do not commute: the host file differs";
        }
        if (!a.snapshot(null).equals(b.snapshot(null))) {
            return "do not commute: the engine state differs";
        }
        // everything the state cache hashes: driver internals the snapshot does not show (write_gen, the caches'
        // dirty flags, a flush's captured generation, coroutine locals)
        return StateDigest.of(pq).equals(StateDigest.of(qp)) ? null : "do not commute: the state digest differs";
    }

    /** The punch of a freed host range, hiding that it writes the host file. */
    private static Step punchHidesItsHostWrite(Step st) {
        if (!st.name().equals("qcow2_process_discards")) {
            return st;
        }
        List<Touch> kept = st.touches().stream().filter(t -> !(t.resource() instanceof Resource.HostCluster)).toList();
        return new Step(st.index(), st.coroutine(), st.name(), st.runnable(), st.guestOffset(), st.guestBytes(),
                st.hostOffset(), st.hostBytes(), st.events(), st.narration(), kept);
    }

    @Test
    void everyIndependenceTheStepsDeclareHoldsOnSmallWorkloads() {
        assertEquals(List.of(), refutedClaims(Qcow2Scenarios.minimalRace(false), UnaryOperator.identity()));
        assertEquals(List.of(), refutedClaims(Qcow2Scenarios.minimalRace(true), UnaryOperator.identity()));
        assertEquals(List.of(), refutedClaims(Qcow2Scenarios.setup("write -P 0x11 0 64k\n",
                "aio_write -P 0x22 0 4k\naio_write -P 0x33 8k 4k\naio_flush\n", false), UnaryOperator.identity()));
        assertEquals(List.of(), refutedClaims(Qcow2Scenarios.setup("write -P 0x11 0 128k\n",
                "aio_write -P 0x22 0 64k\ndiscard 64k 64k\nread 0 128k\naio_flush\n", false), UnaryOperator.identity()));
    }

    @Test
    void aPunchThatHidesItsHostClusterWriteIsCaught() {
        List<String> refuted = refutedClaims(Qcow2Scenarios.minimalRace(false), IndependenceOracleTest::punchHidesItsHostWrite);
        assertFalse(refuted.isEmpty());
        // The hidden write is what makes the claim wrong: W1's data write to the same cluster is its partner.
        assertTrue(refuted.stream().allMatch(r -> r.contains("host file differs")), String.join("\n", refuted));
    }
}
