package dev.blockstep.engine.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.blockstep.engine.coroutine.Outcome;
import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.coroutine.Scheduler;
import dev.blockstep.engine.coroutine.ScriptedCoroutine;
import dev.blockstep.engine.snapshot.CoState;
import dev.blockstep.engine.snapshot.WriteGeneration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The state digest's rules for what is history: each test shows two states it must hash alike (their futures are
 * the same) and one it must tell apart. Whether hashing alike is sound is the brute-force oracles' job
 * ({@link StateCacheOracleTest}, {@link SourceSetOracleTest}); these pin that the rules apply at all.
 */
class StateDigestTest {

    /** A node's write_gen, its flushed_gen and the generations pending flushes read. */
    static final class Generations {
        @WriteGeneration
        final long writeGen;
        @WriteGeneration
        final long flushedGen;
        @WriteGeneration
        final long[] pending;

        Generations(long writeGen, long flushedGen, long... pending) {
            this.writeGen = writeGen;
            this.flushedGen = flushedGen;
            this.pending = pending;
        }
    }

    @Test
    void writeGenerationsHashByWhichAreEqualNotByTheirNumbers() {
        StateDigest.Key flushedUpToDate = StateDigest.ofGraph(new Generations(5, 5, 3));
        // two more blocks written before the same flushes: the same future
        assertEquals(flushedUpToDate, StateDigest.ofGraph(new Generations(7, 7, 6)));
        // the next flush would find nothing written since the last one in the first state only
        assertNotEquals(flushedUpToDate, StateDigest.ofGraph(new Generations(5, 4, 3)));
        // a pending flush that read the current write_gen skips its sync; one that read an older one does not
        assertNotEquals(flushedUpToDate, StateDigest.ofGraph(new Generations(5, 5, 5)));
        assertEquals(StateDigest.ofGraph(new Generations(5, 5)), StateDigest.ofGraph(new Generations(8, 8)));
    }

    /** A scheduler whose one coroutine took {@code steps} steps of {@code phases}, the last blocking when told what on. */
    private static Scheduler oneCoroutine(int phases, int steps, String blockedOn) {
        Scheduler s = new Scheduler(Policies.fifo());
        ScriptedCoroutine co = new ScriptedCoroutine(0, "W1").yields(blockedOn == null ? phases : phases - 1);
        if (blockedOn != null) {
            co.then(cx -> Outcome.blocked(CoState.WAITING_FLUSH, blockedOn));
        }
        s.spawn(co);
        for (int i = 0; i < steps; i++) {
            s.step(0);
        }
        return s;
    }

    @Test
    void aFinishedCoroutineHashesByWhoItWasNotByItsLocals() {
        assertEquals(StateDigest.ofGraph(oneCoroutine(1, 1, null)), StateDigest.ofGraph(oneCoroutine(3, 3, null)));
        // still running, its locals steer what it does next
        assertNotEquals(StateDigest.ofGraph(oneCoroutine(3, 1, null)), StateDigest.ofGraph(oneCoroutine(3, 2, null)));
    }

    @Test
    void whatABlockedCoroutineSaysItWaitsForIsTheDebuggersText() {
        assertEquals(StateDigest.ofGraph(oneCoroutine(2, 2, "flush_queue: 3 in flight")),
                StateDigest.ofGraph(oneCoroutine(2, 2, "flush_queue: 2 in flight")));
        assertNotEquals(StateDigest.ofGraph(oneCoroutine(2, 2, "flush_queue")),
                StateDigest.ofGraph(oneCoroutine(2, 1, "flush_queue")));
    }

    /**
     * Two writes run to their end: the first finishing before qemu-io issues the second (one after another), or
     * qemu-io issuing both first (in flight together). Lowest coroutine first otherwise.
     */
    private static Run twoWrites(String second, boolean oneAfterAnother) {
        ExploreSetup s = Qcow2Scenarios.setup("write -P 0x11 0 128k\n", "aio_write -P 0x22 0 4k\n" + second, false);
        Run r = new Run(s);
        while (!r.ended()) {
            java.util.List<Integer> o = r.options();
            r.advance(oneAfterAnother && o.contains(1) ? 1 : o.get(0));
        }
        return r;
    }

    @Test
    void theOrderOfTwoRequestsCountsOnlyWhereTheOracleComparesIt() {
        // 64k apart: the data oracle never asks whether one ended before the other began
        String apart = "aio_write -P 0x33 64k 4k\n";
        assertEquals(StateDigest.of(twoWrites(apart, true)), StateDigest.of(twoWrites(apart, false)));
        // the same range: which one may show in the final image depends on that order
        String same = "aio_write -P 0x33 0 4k\n";
        Set<String> noHistory = Set.of("Run.history");
        assertEquals(StateDigest.of(twoWrites(same, true), noHistory), StateDigest.of(twoWrites(same, false), noHistory));
        assertNotEquals(StateDigest.of(twoWrites(same, true)), StateDigest.of(twoWrites(same, false)));
    }
}
