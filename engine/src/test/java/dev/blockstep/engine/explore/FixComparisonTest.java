package dev.blockstep.engine.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.coroutine.Policies;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The same schedule with the fix off and on, on the real qcow2 driver, and where the two runs part. */
class FixComparisonTest {

    private static FixComparison.StepRow row(int i, String co, String step) {
        return new FixComparison.StepRow(i, co, step, "NORMAL 0x50000", "host 5: refcount 1, references 1");
    }

    @Test
    void identicalStepListsDoNotDiverge() {
        var a = List.of(row(0, "qemu-io", "a"), row(1, "W1", "b"));
        assertEquals(-1, Divergence.firstStep(a, List.copyOf(a)));
    }

    @Test
    void theFirstStepTakenByAnotherCoroutineOrUnderAnotherNameIsTheDivergence() {
        var a = List.of(row(0, "qemu-io", "a"), row(1, "W1", "b"), row(2, "Z2", "c"));
        assertEquals(1, Divergence.firstStep(a, List.of(row(0, "qemu-io", "a"), row(1, "Z2", "b"), row(2, "Z2", "c"))));
        assertEquals(2, Divergence.firstStep(a, List.of(row(0, "qemu-io", "a"), row(1, "W1", "b"), row(2, "Z2", "x"))));
    }

    @Test
    void aRunThatEndsEarlierDivergesWhereItEnds() {
        var a = List.of(row(0, "qemu-io", "a"), row(1, "W1", "b"));
        assertEquals(1, Divergence.firstStep(a, a.subList(0, 1)));
        assertEquals(1, Divergence.firstStep(a.subList(0, 1), a));
    }

    @Test
    void theSameStepWithOtherMetadataIsAStateDifferenceNotAStepDivergence() {
        var a = List.of(row(0, "W1", "b"));
        var b = List.of(new FixComparison.StepRow(0, "W1", "b", "ZERO_ALLOC 0x50000", "host 5: refcount 1, references 1"));
        assertEquals(-1, Divergence.firstStep(a, b));
        assertEquals(0, Divergence.firstStateDifference(a, b));
    }

    @Test
    void theMinimalRaceCounterexampleCorruptsUnfixedAndIsCleanWithTheFixOnTheSameChoices() {
        ExploreSetup s = Qcow2Scenarios.minimalRace(false);
        Counterexample ce = Qcow2Scenarios.explore(s, true).firstCounterexample();
        FixComparison cmp = FixComparison.of(s, () -> new FollowChoices(ce.choices()), new QemuImgCheck());

        assertEquals(0, cmp.racedCluster(), "both requests of the minimal race write guest cluster 0");
        assertTrue(cmp.left().verdict().corrupt(), cmp.left().verdict().summary());
        assertFalse(cmp.right().verdict().bad(), cmp.right().verdict().summary());
        // The unfixed side is exactly the counterexample: following its choices never falls back.
        List<String> unfixedNames = cmp.left().steps().stream().map(FixComparison.StepRow::step).toList();
        assertEquals(ce.schedule().stream().map(Counterexample.ScheduledStep::name).toList(), unfixedNames);

        int d = cmp.firstDivergence();
        assertTrue(d > 0, "both sides start with the same steps");
        assertEquals(cmp.left().steps().subList(0, d).stream().map(r -> r.coroutine() + " " + r.step()).toList(),
                cmp.right().steps().subList(0, d).stream().map(r -> r.coroutine() + " " + r.step()).toList());
        // The runs part before the write-zeroes changes the raced cluster on the unfixed side.
        int zeroing = unfixedNames.indexOf("qcow2_pwrite_zeroes");
        assertTrue(zeroing >= d, "divergence " + d + " comes no later than Z2's zeroing at " + zeroing);
        String aliasedEnd = cmp.left().steps().get(cmp.left().steps().size() - 1).refcount();
        assertTrue(cmp.firstStateDifference() >= 0);
        assertFalse(aliasedEnd.isEmpty());
    }

    @Test
    void aSeededPolicyDrawsTheSameChoicesOnBothSidesSoWithoutARaceNothingDiverges() {
        ExploreSetup s = Qcow2Scenarios.setup("write -P 0x11 0 64k\n",
                "aio_write -P 0x22 0 64k\naio_write -P 0x33 1M 64k\naio_flush\n", false);
        FixComparison cmp = FixComparison.of(s, () -> Policies.seededRandom(7), new QemuImgCheck());
        assertFalse(cmp.left().verdict().bad());
        assertFalse(cmp.right().verdict().bad());
        assertEquals(-1, cmp.firstDivergence(), "writes are not serialising by the fix, so both runs match");
    }
}
