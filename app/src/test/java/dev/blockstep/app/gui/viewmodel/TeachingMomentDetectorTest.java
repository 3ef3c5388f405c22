package dev.blockstep.app.gui.viewmodel;

import static dev.blockstep.app.gui.HandBuilt.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.event.EngineEvent;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TeachingMomentDetectorTest {

    @Test
    void momentsAreRecognisedInRaceOrder() {
        TeachingMomentDetector d = new TeachingMomentDetector();
        assertEquals(Optional.of(TeachingMoment.LOCK_DROPPED),
                d.feed(step(0, 1, "unlock", new EngineEvent.LockDroppedForDataIo(1, 0x50000, 65536))));
        assertEquals(Optional.of(TeachingMoment.CLUSTER_FREED),
                d.feed(step(1, 2, "zeroize", new EngineEvent.RefcountChanged(2, 5, 1, 0))));
        assertEquals(Optional.of(TeachingMoment.WRITER_RELINKS),
                d.feed(step(2, 1, "link_l2", new EngineEvent.L2EntryWritten(1, 0, 1, 0x8000000000050000L))));
    }

    @Test
    void theWritersOwnL2WriteBeforeAnyFreeIsNotARelink() {
        TeachingMomentDetector d = new TeachingMomentDetector();
        d.feed(step(0, 1, "unlock", new EngineEvent.LockDroppedForDataIo(1, 0x50000, 65536)));
        assertTrue(d.feed(step(1, 1, "link_l2", new EngineEvent.L2EntryWritten(1, 0, 0, 0x8000000000050000L)))
                .isEmpty());
    }

    @Test
    void aFreeByTheWriterItselfIsNotTheRace() {
        TeachingMomentDetector d = new TeachingMomentDetector();
        d.feed(step(0, 1, "unlock", new EngineEvent.LockDroppedForDataIo(1, 0x50000, 65536)));
        assertTrue(d.feed(step(1, 1, "cow", new EngineEvent.RefcountChanged(1, 6, 1, 0))).isEmpty());
    }
}
