package dev.blockstep.app.gui.session;

import static dev.blockstep.app.gui.HandBuilt.clean;
import static dev.blockstep.app.gui.HandBuilt.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.app.gui.breakpoints.Breakpoint;
import dev.blockstep.app.gui.breakpoints.BreakpointKind;
import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

public class DebugSessionTest {

    private final RecordingObserver observer = new RecordingObserver();
    private final List<String> failures = observer.failures;
    private final List<String> dialogs = observer.dialogs;
    /** Both executors run inline: the test sees every command complete before it goes on. */
    private final DebugSession session = new DebugSession(Runnable::run, Runnable::run, observer);

    public static List<Snapshot> fiveSteps() {
        List<Snapshot> s = new ArrayList<>();
        s.add(clean(0, null));
        s.add(clean(1, step(0, 1, "lock", new EngineEvent.LockAcquired(1, "s->lock", false))));
        s.add(clean(2, step(1, 1, "unlock", new EngineEvent.LockDroppedForDataIo(1, 0x50000, 65536))));
        s.add(clean(3, step(2, 2, "discard", new EngineEvent.RefcountChanged(2, 5, 1, 0))));
        s.add(clean(4, step(3, 1, "link", new EngineEvent.L2EntryWritten(1, 0, 0, 0x8000000000050000L))));
        s.add(clean(5, step(4, 1, "end")));
        return s;
    }

    private List<SessionState> record() {
        List<SessionState> seen = new ArrayList<>();
        session.addPanel(new SessionPanel() {
            @Override
            public String panelName() {
                return "recorder";
            }

            @Override
            public void stepDidChange(SessionState state) {
                seen.add(state);
            }
        });
        return seen;
    }

    @Test
    void everyStepBumpsTheStepRevision() {
        List<SessionState> seen = record();
        session.open("t", () -> new ScriptedTarget(fiveSteps()));
        session.step();
        session.step();
        assertEquals(List.of(1L, 2L, 3L), seen.stream().map(SessionState::stepRevision).toList());
    }

    @Test
    void panelsSeeTheStepsUpToTheCurrentOneAfterGoingBack() {
        List<SessionState> seen = record();
        session.open("t", () -> new ScriptedTarget(fiveSteps()));
        session.step();
        session.step();
        session.step();
        session.stepBack();
        SessionState last = seen.get(seen.size() - 1);
        assertEquals(2, last.snapshot().step());
        assertEquals(List.of("lock", "unlock"), last.steps().stream().map(s -> s.name()).toList());
    }

    @Test
    void aPanelThatThrowsDoesNotStopTheOthersOrStepping() {
        session.addPanel(new SessionPanel() {
            @Override
            public String panelName() {
                return "broken";
            }

            @Override
            public void stepDidChange(SessionState state) {
                throw new IllegalStateException("bug");
            }
        });
        List<SessionState> seen = record();
        session.open("t", () -> new ScriptedTarget(fiveSteps()));
        session.step();
        assertEquals(1, seen.get(seen.size() - 1).snapshot().step());
        assertTrue(failures.contains("broken"));
    }

    @Test
    void resumeStopsAtTheFirstEnabledBreakpoint() {
        List<SessionState> seen = record();
        session.open("t", () -> new ScriptedTarget(fiveSteps()));
        session.toggleBreakpoint(Breakpoint.on(BreakpointKind.REFCOUNT_ZERO));
        session.resume();
        SessionState last = seen.get(seen.size() - 1);
        assertEquals(3, last.snapshot().step());
        assertNotNull(last.lastHit());
    }

    @Test
    void resumeWithoutBreakpointsRunsToTheEnd() {
        List<SessionState> seen = record();
        session.open("t", () -> new ScriptedTarget(fiveSteps()));
        session.resume();
        assertEquals(5, seen.get(seen.size() - 1).snapshot().step());
    }

    @Test
    void anOpenFailureIsOneLineForADialogAndKeepsTheOldState() {
        List<SessionState> seen = record();
        session.open("t", () -> new ScriptedTarget(fiveSteps()));
        session.open("bad", () -> {
            throw new TargetSource.OpenException("bad.json: line 3, column 7: expected a number");
        });
        assertEquals(List.of("bad.json: line 3, column 7: expected a number"), dialogs);
        assertEquals("t", seen.get(seen.size() - 1).title());
    }
}
