package dev.blockstep.app.gui.viewmodel;

import static dev.blockstep.app.gui.HandBuilt.CS;
import static dev.blockstep.app.gui.HandBuilt.co;
import static dev.blockstep.app.gui.HandBuilt.data;
import static dev.blockstep.app.gui.HandBuilt.image;
import static dev.blockstep.app.gui.HandBuilt.l2;
import static dev.blockstep.app.gui.HandBuilt.snapshot;
import static dev.blockstep.app.gui.HandBuilt.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.snapshot.CoState;
import dev.blockstep.engine.snapshot.Snapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyMomentTest {

    private static final Snapshot COUNTED = snapshot(3, step(2, 1, "x"), image(List.of(l2(0, 5 * CS)), data(5, 1, 0L)),
            co(1, "W1", CoState.RUNNABLE, "p"), co(2, "Z2", CoState.RUNNABLE, "p"));

    private static Snapshot after(EngineEvent e, int refcount) {
        return snapshot(4, step(3, 1, "s", e), image(List.of(l2(0, 5 * CS)), data(5, refcount, 0L)),
                co(1, "W1", CoState.RUNNABLE, "p"), co(2, "Z2", CoState.RUNNABLE, "p"));
    }

    private static List<KeyMoment.Kind> kinds(List<KeyMoment> moments) {
        return moments.stream().map(KeyMoment::kind).toList();
    }

    @Test
    void aLockDropIsNamedWithTheWritersEngineName() {
        List<KeyMoment> m = KeyMoment.of(COUNTED, after(new EngineEvent.LockDroppedForDataIo(1, 0x50000, CS), 1));
        assertEquals(List.of(KeyMoment.Kind.LOCK_DROP), kinds(m));
        assertTrue(m.get(0).text().startsWith("W1 drops s->lock"), m.get(0).text());
        assertEquals(4, m.get(0).step());
    }

    @Test
    void aFreeIsARefcountGoingToZeroNotOneStayingAboveIt() {
        assertEquals(List.of(KeyMoment.Kind.FREE),
                kinds(KeyMoment.of(COUNTED, after(new EngineEvent.RefcountChanged(2, 5, 1, 0), 1))));
        assertTrue(KeyMoment.of(COUNTED, after(new EngineEvent.RefcountChanged(2, 5, 1, 2), 2)).isEmpty());
    }

    @Test
    void anL2WriteToACountedClusterIsNotARelinkButOneToAnUnderCountedClusterIsWithTheFirstCheckError() {
        EngineEvent link = new EngineEvent.L2EntryWritten(1, 0, 1, 0x8000000000050000L);
        assertTrue(KeyMoment.of(COUNTED, after(link, 1)).isEmpty());
        assertEquals(List.of(KeyMoment.Kind.RELINK, KeyMoment.Kind.CHECK_ERROR),
                kinds(KeyMoment.of(COUNTED, after(link, 0))));
    }

    @Test
    void theCheckErrorIsAMomentOnlyWhenItAppears() {
        Snapshot bad = after(new EngineEvent.L2EntryWritten(1, 0, 1, 0x8000000000050000L), 0);
        Snapshot stillBad = snapshot(5, step(4, 2, "y"), bad.image(), bad.coroutines().toArray(
                new dev.blockstep.engine.snapshot.CoroutineView[0]));
        assertTrue(KeyMoment.of(bad, stillBad).isEmpty());
    }
}
