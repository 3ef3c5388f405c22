package dev.blockstep.app.gui.breakpoints;

import static dev.blockstep.app.gui.HandBuilt.clean;
import static dev.blockstep.app.gui.HandBuilt.data;
import static dev.blockstep.app.gui.HandBuilt.image;
import static dev.blockstep.app.gui.HandBuilt.l2;
import static dev.blockstep.app.gui.HandBuilt.snapshot;
import static dev.blockstep.app.gui.HandBuilt.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.app.gui.HandBuilt;
import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.snapshot.Snapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

class BreakpointSetTest {

    private static final Snapshot BEFORE = clean(3, step(2, 1, "x"));

    @Test
    void lockDropBreakpointHitsTheStepThatDropsTheLock() {
        Snapshot after = clean(4, step(3, 1, "qcow2_co_pwritev_task",
                new EngineEvent.LockDroppedForDataIo(1, 0x50000, 65536)));
        BreakpointSet set = new BreakpointSet(List.of(Breakpoint.on(BreakpointKind.LOCK_DROP)));
        assertTrue(set.firstHit(BEFORE, after).isPresent());
    }

    @Test
    void disabledBreakpointDoesNotHit() {
        Snapshot after = clean(4, step(3, 1, "s", new EngineEvent.LockDroppedForDataIo(1, 0x50000, 65536)));
        BreakpointSet set = new BreakpointSet(List.of(Breakpoint.on(BreakpointKind.LOCK_DROP).withEnabled(false)));
        assertTrue(set.firstHit(BEFORE, after).isEmpty());
    }

    @Test
    void refcountZeroBreakpointIgnoresChangesThatStayAboveZero() {
        Snapshot up = clean(4, step(3, 2, "s", new EngineEvent.RefcountChanged(2, 5, 0, 1)));
        Snapshot down = clean(4, step(3, 2, "s", new EngineEvent.RefcountChanged(2, 5, 1, 0)));
        BreakpointSet set = new BreakpointSet(List.of(Breakpoint.on(BreakpointKind.REFCOUNT_ZERO)));
        assertTrue(set.firstHit(BEFORE, up).isEmpty());
        assertTrue(set.firstHit(BEFORE, down).isPresent());
    }

    @Test
    void freeFailureBreakpointCarriesTheStderrLine() {
        Snapshot after = clean(4, step(3, 2, "s",
                new EngineEvent.StderrLine(2, "qcow2_free_clusters failed: Invalid argument")));
        BreakpointSet set = new BreakpointSet(List.of(Breakpoint.on(BreakpointKind.FREE_FAILURE)));
        assertEquals("qcow2_free_clusters failed: Invalid argument", set.firstHit(BEFORE, after).get().reason());
    }

    @Test
    void aliasingConditionFiresOnlyWhenItBecomesTrue() {
        Snapshot aliased = snapshot(4, step(3, 1, "link"),
                image(List.of(l2(0, 5L * HandBuilt.CS), l2(1, 5L * HandBuilt.CS)), data(5, 1, 0L, 1L)));
        Snapshot stillAliased = snapshot(5, step(4, 1, "other"),
                image(List.of(l2(0, 5L * HandBuilt.CS), l2(1, 5L * HandBuilt.CS)), data(5, 1, 0L, 1L)));
        BreakpointSet set = new BreakpointSet(List.of(Breakpoint.on(BreakpointKind.ANY_ALIASING)));
        assertTrue(set.firstHit(BEFORE, aliased).isPresent());
        assertTrue(set.firstHit(aliased, stillAliased).isEmpty());
    }

    @Test
    void underCountConditionNamesClusterAsQemuImgCheckDoes() {
        Snapshot bad = snapshot(4, step(3, 1, "link"), image(List.of(l2(0, 5L * HandBuilt.CS)), data(5, 0, 0L)));
        BreakpointSet set = new BreakpointSet(List.of(Breakpoint.on(BreakpointKind.REFCOUNT_BELOW_REFERENCES)));
        assertEquals("refcount < references: host cluster 5 refcount=0 reference=1, after co 1 in link",
                set.firstHit(BEFORE, bad).get().reason());
    }

    @Test
    void stepNameBreakpointMatchesOnlyThatStep() {
        BreakpointSet set = new BreakpointSet(List.of(Breakpoint.atStep("qcow2_cluster_link_l2")));
        assertTrue(set.firstHit(BEFORE, clean(4, step(3, 1, "qcow2_cluster_link_l2"))).isPresent());
        assertTrue(set.firstHit(BEFORE, clean(4, step(3, 1, "qcow2_alloc_host_offset"))).isEmpty());
    }

    @Test
    void togglingTheSamePlaceTwiceRemovesTheBreakpoint() {
        BreakpointSet set = BreakpointSet.EMPTY.toggled(Breakpoint.atStep("a")).toggled(Breakpoint.atStep("a"));
        assertTrue(set.breakpoints().isEmpty());
    }

    private static final dev.blockstep.engine.snapshot.CoroutineView W1 =
            HandBuilt.co(1, "W1", dev.blockstep.engine.snapshot.CoState.RUNNABLE, "x");
    private static final dev.blockstep.engine.snapshot.CoroutineView Z2 =
            HandBuilt.co(2, "Z2", dev.blockstep.engine.snapshot.CoState.RUNNABLE, "x");

    private static Snapshot named(int n, dev.blockstep.engine.snapshot.Step last) {
        return snapshot(n, last, image(List.of(l2(0, 5L * HandBuilt.CS)), data(5, 1, 0L)), W1, Z2);
    }

    @Test
    void messagesNameTheCoroutineAsTheEngineDoes() {
        Snapshot after = named(4, step(3, 1, "s", new EngineEvent.LockDroppedForDataIo(1, 0x50000, 65536)));
        BreakpointSet set = new BreakpointSet(List.of(Breakpoint.on(BreakpointKind.LOCK_DROP)));
        assertEquals("W1 dropped s->lock for data I/O at 0x50000", set.firstHit(BEFORE, after).get().reason());
    }

    @Test
    void aCoroutineConditionStopsOnlyOnThatCoroutinesSteps() {
        BreakpointSet set = new BreakpointSet(List.of(Breakpoint.on(BreakpointKind.ANY_STEP)
                .where(new BreakpointFilter("Z2", null, -1, -1, null))));
        assertTrue(set.firstHit(BEFORE, named(4, step(3, 1, "s"))).isEmpty());
        assertEquals("Z2 in qcow2_cluster_discard (Z2)",
                set.firstHit(BEFORE, named(4, step(3, 2, "qcow2_cluster_discard"))).get().reason());
    }

    @Test
    void aGuestClusterConditionMatchesTheL2EntryTheStepWrote() {
        BreakpointSet set = new BreakpointSet(List.of(Breakpoint.on(BreakpointKind.L2_WRITE)
                .where(new BreakpointFilter("", null, 1, -1, null))));
        assertTrue(set.firstHit(BEFORE, named(4, step(3, 1, "link", new EngineEvent.L2EntryWritten(1, 0, 0, 5))))
                .isEmpty());
        assertTrue(set.firstHit(BEFORE, named(4, step(3, 1, "link", new EngineEvent.L2EntryWritten(1, 1, 0, 5))))
                .isPresent());
    }

    @Test
    void anUnderCountConditionOnOneHostClusterIgnoresAnother() {
        Snapshot bad = snapshot(4, step(3, 1, "link"), image(List.of(l2(0, 5L * HandBuilt.CS)), data(5, 0, 0L)));
        BreakpointSet on6 = new BreakpointSet(List.of(Breakpoint.on(BreakpointKind.REFCOUNT_BELOW_REFERENCES)
                .where(new BreakpointFilter("", null, -1, 6, null))));
        BreakpointSet on5 = new BreakpointSet(List.of(Breakpoint.on(BreakpointKind.REFCOUNT_BELOW_REFERENCES)
                .where(new BreakpointFilter("", null, -1, 5, null))));
        assertTrue(on6.firstHit(BEFORE, bad).isEmpty());
        assertTrue(on5.firstHit(BEFORE, bad).isPresent());
    }

    @Test
    void aSerialisingConditionReadsTheRequestsFlag() {
        BreakpointSet set = new BreakpointSet(List.of(Breakpoint.on(BreakpointKind.ANY_STEP)
                .where(new BreakpointFilter("", null, -1, -1, new FlagCondition(RequestFlag.SERIALISING, true)))));
        assertTrue(set.firstHit(BEFORE, named(4, step(3, 1, "s"))).isEmpty(), "W1 is not serialising");
    }

    @Test
    void filtersMakeARunTakeSnapshotsAndStepKindsWithoutThemDoNot() {
        assertTrue(!new BreakpointSet(List.of(Breakpoint.on(BreakpointKind.LOCK_DROP))).hasEnabledConditions());
        assertTrue(new BreakpointSet(List.of(Breakpoint.on(BreakpointKind.LOCK_DROP)
                .where(new BreakpointFilter("W1", null, -1, -1, null)))).hasEnabledConditions());
    }

    @Test
    void aHitIsCountedOnTheBreakpointThatStopped() {
        Breakpoint drop = Breakpoint.on(BreakpointKind.LOCK_DROP);
        BreakpointSet set = new BreakpointSet(List.of(Breakpoint.on(BreakpointKind.L2_WRITE), drop));
        BreakpointSet twice = set.counted(drop).counted(drop);
        assertEquals(List.of(0, 2), twice.breakpoints().stream().map(Breakpoint::hits).toList());
    }

    @Test
    void theFormRejectsABadClusterInOneLineNamingTheField() {
        BreakpointForm.Result r = BreakpointForm.make(BreakpointKind.ANY_STEP, "", null, "zero", "",
                null);
        assertEquals("guest cluster: expected a cluster number such as 5 or 0x5, got 'zero'", r.error());
        assertEquals(5L, BreakpointForm.make(BreakpointKind.ANY_STEP, "", null, "", "0x5",
                null).breakpoint().filter().hostCluster());
    }
}
