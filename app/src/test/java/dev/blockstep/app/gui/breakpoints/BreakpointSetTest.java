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
        assertEquals("refcount < references: host cluster 5 refcount=0 reference=1",
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
}
