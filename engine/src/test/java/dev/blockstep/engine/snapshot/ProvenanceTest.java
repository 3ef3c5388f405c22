package dev.blockstep.engine.snapshot;

import dev.blockstep.engine.fix.FixVariant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.block.Images;
import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.session.EngineSession;
import dev.blockstep.engine.session.Workload;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Provenance answers "which step last wrote this" from the steps' events and touches. */
class ProvenanceTest {
    private static final long CS = 65536;

    /** minimal-race: W1 reuses the ZERO_ALLOC cluster 5 in place, Z2 unmaps it during W1's data I/O. */
    private static EngineSession runToEnd() {
        EngineSession s = new EngineSession(new Workload(Images.zeroAllocAtZero(), "img", List.of(
                new QemuIoCommand.AioWrite(0, CS, 0x22, false, false, false),
                new QemuIoCommand.AioWrite(0, CS, 0, true, true, false),
                new QemuIoCommand.AioFlush()), FixVariant.NONE, Policies::fifo));
        while (!s.current().finished()) {
            s.step();
        }
        return s;
    }

    private static String name(Snapshot s, int co) {
        return s.coroutines().stream().filter(c -> c.id() == co).findFirst().orElseThrow().name();
    }

    @Test
    void theRacedL2EntryWasLastWrittenByTheWriterInLinkL2() {
        EngineSession s = runToEnd();
        Snapshot end = s.current();
        Provenance.Write w = Provenance.lastWrite(s.steps(), new Provenance.GuestL2(0), end.step()).orElseThrow();
        assertEquals("qcow2_cluster_link_l2", w.stepName());
        assertEquals("W1", name(end, w.coroutine()));
        Step written = s.steps().get(w.step() - 1);
        assertTrue(written.events().stream().anyMatch(e -> e instanceof EngineEvent.L2EntryWritten l
                && l.guestCluster() == 0), "step " + w.step() + " is the write itself");
        for (int i = w.step(); i < end.step(); i++) {
            assertTrue(s.steps().get(i).events().stream().noneMatch(e -> e instanceof EngineEvent.L2EntryWritten l
                    && l.guestCluster() == 0), "no later step writes it: " + s.steps().get(i));
        }
    }

    @Test
    void reverseContinueWalksBackToTheZeroWritesUnmapBeforeTheRelink() {
        EngineSession s = runToEnd();
        Snapshot end = s.current();
        Provenance.Value l2 = new Provenance.GuestL2(0);
        Provenance.Write relink = Provenance.lastWrite(s.steps(), l2, end.step()).orElseThrow();
        Provenance.Write before = Provenance.previousWrite(s.steps(), l2, relink.step()).orElseThrow();
        assertTrue(before.step() < relink.step());
        assertEquals("Z2", name(end, before.coroutine()), "the zero write's unmap wrote the entry before W1's relink");
        assertEquals(Optional.empty(), Provenance.previousWrite(s.steps(), l2, before.step()),
                "nothing wrote guest 0's entry before the unmap in this run");
    }

    @Test
    void hostClusterFivesRefcountWasFreedByTheZeroWrite() {
        EngineSession s = runToEnd();
        Snapshot end = s.current();
        Provenance.Write w = Provenance.lastWrite(s.steps(), new Provenance.HostRefcount(5), end.step()).orElseThrow();
        assertEquals("1 -> 0", w.change());
        assertEquals("Z2", name(end, w.coroutine()));
    }

    @Test
    void hostClusterFivesBytesWerePunchedByTheZeroWriteAfterTheWritersDataLanded() {
        EngineSession s = runToEnd();
        Snapshot end = s.current();
        Provenance.Value bytes = new Provenance.HostBytes(5);
        Provenance.Write punch = Provenance.lastWrite(s.steps(), bytes, end.step()).orElseThrow();
        assertEquals("Z2", name(end, punch.coroutine()));
        assertEquals("punched", punch.change());
        Provenance.Write landed = Provenance.previousWrite(s.steps(), bytes, punch.step()).orElseThrow();
        assertEquals("W1", name(end, landed.coroutine()));
        assertEquals("data landed", landed.change());
    }

    @Test
    void goingBackKeepsTheStepsPastTheCurrentOneKnown() {
        EngineSession s = runToEnd();
        int end = s.current().step();
        s.goToStep(3);
        assertEquals(3, s.steps().size());
        assertEquals(end, s.knownSteps().size());
        assertTrue(s.knownSteps().subList(0, 3).equals(s.steps()));
    }
}
