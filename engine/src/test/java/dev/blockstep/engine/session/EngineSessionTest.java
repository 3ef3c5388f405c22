package dev.blockstep.engine.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.block.Images;
import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.snapshot.Snapshot;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EngineSessionTest {
    private static final long CS = 65536;

    private static Workload workload() {
        List<QemuIoCommand> cmds = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            cmds.add(new QemuIoCommand.AioWrite(CS * (i % 2), CS, 0x10 + i, i % 3 != 0, i % 3 == 2, false));
        }
        cmds.add(new QemuIoCommand.AioFlush());
        return new Workload(Images.fresh16M(), "img", cmds, FixVariant.NONE, () -> Policies.seededRandom(3));
    }

    /** What must be equal between two visits of the same step. */
    private static String essence(Snapshot s) {
        return s.step() + " " + s.fixOn() + " " + s.coroutines() + " " + s.trackedRequests() + " " + s.lock();
    }

    @Test
    void goingToAnEarlierStepShowsExactlyWhatWasShownThere() {
        EngineSession s = new EngineSession(workload());
        List<String> seen = new ArrayList<>();
        seen.add(essence(s.current()));
        while (!s.current().finished()) {
            seen.add(essence(s.step()));
        }
        for (int n : new int[] {0, 7, 3, seen.size() - 1, 1}) {
            assertEquals(seen.get(n), essence(s.goToStep(n)), "step " + n);
        }
    }

    /**
     * A reopen -c before a checkpoint: going back to a step past the checkpoint rebuilds the engine there in the
     * reopened cache mode (writeback here, so no flush step after each write), not in qemu-io's starting one.
     */
    @Test
    void aCheckpointKeepsTheCacheModeAReopenSet() {
        List<QemuIoCommand> cmds = new ArrayList<>();
        cmds.add(new QemuIoCommand.Reopen(null, "-c writeback", "writeback"));
        for (int i = 0; i < 90; i++) {
            cmds.add(new QemuIoCommand.AioWrite(CS * (i % 8), 4096, 1 + i % 200, false, false, false));
            if (i % 3 == 2) {
                cmds.add(new QemuIoCommand.AioFlush());
            }
        }
        EngineSession s = new EngineSession(new Workload(Images.fresh16M(), "img", cmds, FixVariant.NONE,
                () -> Policies.seededRandom(5)));
        List<String> seen = new ArrayList<>();
        seen.add(essence(s.current()));
        while (!s.current().finished()) {
            seen.add(essence(s.step()));
        }
        assertTrue(seen.size() > EngineSession.CHECKPOINT_EVERY + 50, seen.size() + " steps");
        s.goToStep(0);
        int late = seen.size() - 3;
        assertEquals(seen.get(late), essence(s.goToStep(late)), "step " + late);
        s.goToStep(EngineSession.CHECKPOINT_EVERY + 7);
        while (!s.current().finished()) {
            s.step();
        }
        assertEquals(seen.get(seen.size() - 1), essence(s.current()));
        assertEquals(seen.size() - 1, s.current().step());
    }

    @Test
    void stepBackThenStepFollowsTheRecordedHistory() {
        EngineSession s = new EngineSession(workload());
        for (int i = 0; i < 10; i++) {
            s.step();
        }
        String at10 = essence(s.current());
        s.stepBack();
        s.stepBack();
        assertEquals(10, s.historyLength());
        s.step();
        s.step();
        assertEquals(at10, essence(s.current()));
    }

    @Test
    void steppingAnotherCoroutineAfterGoingBackDropsTheRecordedFuture() {
        EngineSession s = new EngineSession(workload());
        int n = 0;
        int branchAt = -1;
        int other = -1;
        while (!s.current().finished() && branchAt < 0) {
            s.step();
            n++;
            var r = s.engine().scheduler().runnable();
            if (r.size() > 1) {
                branchAt = n;
                other = r.get(0) == s.nextUnderPolicy() ? r.get(1) : r.get(0);
            }
        }
        assertTrue(branchAt > 0, "the workload offers a choice");
        for (int i = 0; i < 5 && !s.current().finished(); i++) {
            s.step();
        }
        s.goToStep(branchAt);
        s.stepCoroutine(other);
        assertEquals(branchAt + 1, s.historyLength());
    }

    @Test
    void aFixFlipIsReplayedWhenGoingBackAndForward() {
        EngineSession s = new EngineSession(workload());
        for (int i = 0; i < 3; i++) {
            s.step();
        }
        s.setFix(FixVariant.PATCH);
        assertTrue(s.current().fixOn());
        while (!s.current().finished()) {
            s.step();
        }
        int end = s.historyLength();
        String last = essence(s.current());
        s.goToStep(1);
        assertFalse(s.current().fixOn());
        s.goToStep(end);
        assertEquals(last, essence(s.current()));
    }

    @Test
    void aFixFlipChangesWhichLaterRequestsAreSerialising() {
        EngineSession off = new EngineSession(workload());
        EngineSession on = new EngineSession(workload());
        on.setFix(FixVariant.PATCH);
        while (!off.current().finished()) {
            off.step();
        }
        while (!on.current().finished()) {
            on.step();
        }
        assertTrue(on.current().coroutines().stream().anyMatch(c -> c.serialising()));
        assertFalse(off.current().coroutines().stream().anyMatch(c -> c.serialising()));
        assertNotEquals(off.steps().size(), 0);
    }

    @Test
    void aRecordedRunIsFollowedToTheSameBytes() throws Exception {
        EngineSession s = new EngineSession(workload());
        s.step();
        s.setFix(FixVariant.PATCH);
        while (!s.current().finished()) {
            s.step();
        }
        EngineSession r = EngineSession.following(workload(), s.schedule(), s.flips());
        assertEquals(s.historyLength(), r.historyLength());
        r.goToStep(r.historyLength());
        assertEquals(essence(s.current()), essence(r.current()));
        java.nio.file.Path a = java.nio.file.Files.createTempFile("a", ".qcow2");
        java.nio.file.Path b = java.nio.file.Files.createTempFile("b", ".qcow2");
        s.engine().file().save(a);
        r.engine().file().save(b);
        assertEquals(-1L, java.nio.file.Files.mismatch(a, b));
    }

    @Test
    void aRecordThatDoesNotFitStopsNamingTheStepAndTheRunnableSet() {
        EngineSession s = EngineSession.following(workload(), List.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0), java.util.Map.of());
        var ex = org.junit.jupiter.api.Assertions.assertThrows(
                dev.blockstep.engine.coroutine.ScheduleDivergedException.class, () -> s.goToStep(10));
        assertTrue(ex.getMessage().matches("step \\d+: recorded coroutine 0 cannot run; runnable \\[.*\\]"),
                ex.getMessage());
    }

    @Test
    void restartGoesBackToStepZeroWithTheStartingFixAndNoHistory() {
        EngineSession s = new EngineSession(workload());
        s.step();
        s.setFix(FixVariant.PATCH);
        s.step();
        Snapshot r = s.restart();
        assertEquals(0, r.step());
        assertFalse(r.fixOn());
        assertEquals(0, s.historyLength());
    }

    /** Step index -> value of every FixToggled event, and where in its step it came. */
    private static List<String> fixEvents(List<dev.blockstep.engine.snapshot.Step> steps) {
        List<String> out = new ArrayList<>();
        for (var st : steps) {
            for (int k = 0; k < st.events().size(); k++) {
                if (st.events().get(k) instanceof dev.blockstep.engine.event.EngineEvent.FixToggled f) {
                    out.add(st.index() + ":" + k + ":" + f.on() + ":" + (f.coroutine() == st.coroutine()));
                }
            }
        }
        return out;
    }

    @Test
    void aFlipIsTheFirstEventOfTheNextStepAndAFlipUndoneBeforeAnyStepEmitsNothing() {
        EngineSession s = new EngineSession(workload());
        for (int i = 0; i < 3; i++) {
            s.step();
        }
        s.setFix(FixVariant.PATCH);
        s.step();
        s.step();
        s.setFix(FixVariant.NONE);
        s.setFix(FixVariant.PATCH);
        s.step();
        s.setFix(FixVariant.NONE);
        s.step();
        assertEquals(List.of("3:0:true:true", "6:0:false:true"), fixEvents(s.steps()));
    }

    @Test
    void flipEventsComeBackWhenGoingBackAndForwardAndWhenFollowingARecord() {
        EngineSession s = new EngineSession(workload());
        s.setFix(FixVariant.PATCH);
        for (int i = 0; i < 5; i++) {
            s.step();
        }
        s.setFix(FixVariant.NONE);
        while (!s.current().finished()) {
            s.step();
        }
        List<String> seen = fixEvents(s.steps());
        assertEquals(List.of("0:0:true:true", "5:0:false:true"), seen);
        s.goToStep(2);
        s.goToStep(s.historyLength());
        assertEquals(seen, fixEvents(s.steps()));
        EngineSession r = EngineSession.following(workload(), s.schedule(), s.flips());
        r.goToStep(r.historyLength());
        assertEquals(seen, fixEvents(r.steps()));
    }
}
