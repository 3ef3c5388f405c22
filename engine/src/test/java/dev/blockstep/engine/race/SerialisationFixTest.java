package dev.blockstep.engine.race;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.explore.QemuImgCheck;
import dev.blockstep.engine.explore.Qcow2Scenarios;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The fix (every discard and write-zeroes is BDRV_REQ_SERIALISING, its window widened to whole clusters),
 * checked over every schedule of a small race: with the fix on no request rewrites an L2 entry behind a
 * writer's back and qemu-img check passes at every end; with it off the same workload does go wrong, so each
 * test is able to fail. The unfixed side is our engine's behaviour, not evidence about qemu; that real qemu 7.2
 * has the race (for aio_write -z -u) is shown by the captured-qemu sample and RaceReproductionTest.
 */
class SerialisationFixTest {
    /** Guest cluster 0 is ZERO_ALLOC with the COPIED flag: a write to it keeps the host cluster and relinks it. */
    private static final String ZERO_ALLOC = "write -P 0x11 0 64k\nwrite -z 0 64k\n";
    private static final String WRITE = "aio_write -P 0x22 0 64k\n";

    private static List<Schedules.Run> runs(String setup, String race, boolean fix) {
        return Schedules.all(Qcow2Scenarios.setup(setup, race, fix));
    }

    private static long stale(List<Schedules.Run> runs) {
        return runs.stream().filter(r -> StaleDecisions.first(r.steps(), Schedules.CLUSTER).isPresent()).count();
    }

    private static long corrupt(List<Schedules.Run> runs) {
        return runs.stream().filter(r -> !new QemuImgCheck().errors(r.end()).isEmpty()).count();
    }

    private static void fixedIsClean(String setup, String race) {
        List<Schedules.Run> runs = runs(setup, race, true);
        assertTrue(runs.size() > 1, "the workload must have more than one schedule");
        for (Schedules.Run r : runs) {
            Optional<String> stale = StaleDecisions.first(r.steps(), Schedules.CLUSTER);
            assertTrue(stale.isEmpty(), "with the fix on: " + stale.orElse(""));
            assertEquals(List.of(), new QemuImgCheck().errors(r.end()), "with the fix on, check must pass");
        }
    }

    private static void corruptsUnfixedOnlyWithoutTheFix(String setup, String race) {
        assertTrue(corrupt(runs(setup, race, false)) > 0, "without the fix some schedule must corrupt");
        fixedIsClean(setup, race);
    }

    @Test
    void aDiscardNeverFreesAClusterAWriterIsAboutToRelinkWhenTheFixIsOn() {
        corruptsUnfixedOnlyWithoutTheFix(ZERO_ALLOC, WRITE + "discard 0 64k\n");
    }

    @Test
    void aZeroWriteThatMayUnmapNeverFreesAClusterAWriterIsAboutToRelinkWhenTheFixIsOn() {
        corruptsUnfixedOnlyWithoutTheFix(ZERO_ALLOC, WRITE + "aio_write -z -u 0 64k\naio_flush\n");
    }

    /**
     * Without MAY_UNMAP the zero write frees nothing, so no schedule corrupts either way; the fix still makes it
     * serialising, which shows only in the schedule: it never sets the zero flag on the cluster a writer is
     * overwriting in place while that writer has dropped s->lock.
     */
    @Test
    void aZeroWriteWithoutUnmapIsSerialisingToo() {
        String setup = "write -P 0x11 0 64k\n";
        String race = WRITE + "aio_write -z 0 64k\naio_flush\n";
        List<Schedules.Run> unfixed = runs(setup, race, false);
        assertTrue(stale(unfixed) > 0, "without the fix the zero write must be able to run in the window");
        assertEquals(0, corrupt(unfixed), "without MAY_UNMAP nothing is freed");
        fixedIsClean(setup, race);
    }

    /**
     * The zero write covers 4k..64k and the writer 0..4k: the byte ranges do not overlap, but qcow2 zeroes the
     * whole cluster (the rest of it reads as zeros), freeing the host cluster the writer is filling. Only the
     * serialising window's widening to cluster alignment makes the two requests wait for each other.
     */
    @Test
    void anUnalignedZeroWriteIsWidenedToWholeClustersBeforeItWaits() {
        corruptsUnfixedOnlyWithoutTheFix(ZERO_ALLOC, "aio_write -P 0x22 0 4k\naio_write -z -u 4k 60k\naio_flush\n");
    }

    /** The same with a discard whose unaligned head is ignored and whose middle frees the writer's cluster. */
    @Test
    void anUnalignedDiscardStillSerialisesWithTheWriterOfItsWholeCluster() {
        corruptsUnfixedOnlyWithoutTheFix(ZERO_ALLOC + "write -P 0x11 64k 64k\nwrite -z 64k 64k\n",
                "aio_write -P 0x22 64k 4k\ndiscard 32k 96k\n");
    }
}
