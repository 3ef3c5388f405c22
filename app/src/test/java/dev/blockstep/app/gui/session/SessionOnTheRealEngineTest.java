package dev.blockstep.app.gui.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.app.gui.breakpoints.Breakpoint;
import dev.blockstep.app.gui.breakpoints.BreakpointKind;
import dev.blockstep.engine.snapshot.Step;
import dev.blockstep.samples.Samples;
import dev.blockstep.trace.ScheduleEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The session's history, revisions and restart, on the real engine through the real wiring. */
class SessionOnTheRealEngineTest {

    /** A sample recorded under a seeded random policy: its schedule is not what FIFO would do. */
    private static final String RANDOM_SAMPLE = "guest-only";

    private final RecordingObserver observer = new RecordingObserver();
    /** Both executors run inline: every command has completed when the call returns. */
    private final DebugSession session = new DebugSession(Runnable::run, Runnable::run, observer);
    private final EngineWiring wiring = new EngineWiring();

    private static List<String> names(List<Step> steps) {
        return steps.stream().map(s -> s.coroutine() + " " + s.name()).toList();
    }

    /** Opens the random sample and runs it to its end: its recorded history. */
    private List<Step> openAndRunTheRandomSample() {
        session.open(RANDOM_SAMPLE, wiring.sample(RANDOM_SAMPLE));
        session.resume();
        return session.state().steps();
    }

    @Test
    void restartOnALoadedTraceFollowsItsRecordedScheduleAgain() throws Exception {
        List<ScheduleEntry> recorded = Samples.open(RANDOM_SAMPLE).schedule();
        List<Step> first = openAndRunTheRandomSample();
        assertEquals(recorded.stream().map(ScheduleEntry::step).toList(), first.stream().map(Step::name).toList());

        session.restart();
        assertEquals(0, session.state().snapshot().step());
        assertEquals(recorded.size(), session.state().historyLength(), "the recording is ahead again");
        session.resume();
        assertEquals(names(first), names(session.state().steps()));
        assertEquals(List.of(), observer.failures);
    }

    @Test
    void restartAfterTakingAnotherPathStillBringsTheRecordingBack() throws Exception {
        List<ScheduleEntry> recorded = Samples.open(RANDOM_SAMPLE).schedule();
        List<Step> first = openAndRunTheRandomSample();
        int branch = branchPoint(first);
        session.goToStep(branch);
        session.stepCoroutine(other(first.get(branch)));
        assertNotEquals(names(first.subList(0, branch + 1)), names(session.state().steps()));

        session.restart();
        assertEquals(recorded.size(), session.state().historyLength());
        session.resume();
        assertEquals(names(first), names(session.state().steps()));
    }

    @Test
    void stepsHandedToPanelsCannotBeChangedAndStayAsTheyWere() {
        List<Step> all = openAndRunTheRandomSample();
        int branch = branchPoint(all);
        session.goToStep(branch + 20);
        SessionState handedOut = session.state();
        List<Step> copy = List.copyOf(handedOut.steps());
        assertEquals(branch + 20, copy.size());

        // Back before the branch, a different coroutine, then on: the history is cut and grows anew.
        session.goToStep(branch);
        session.stepCoroutine(other(all.get(branch)));
        for (int i = 0; i < 40; i++) {
            session.step();
        }
        assertNotEquals(copy.get(branch), session.state().steps().get(branch), "the history did take another path");
        assertEquals(copy, handedOut.steps());
        assertEquals(branch + 20, handedOut.steps().size());

        Step any = copy.get(0);
        assertThrows(UnsupportedOperationException.class, () -> handedOut.steps().add(any));
        assertThrows(UnsupportedOperationException.class, () -> handedOut.steps().set(0, any));
        assertThrows(UnsupportedOperationException.class, () -> handedOut.steps().remove(0));
        assertThrows(UnsupportedOperationException.class, () -> handedOut.steps().clear());
        assertThrows(UnsupportedOperationException.class, () -> handedOut.steps().subList(0, 2).clear());
        assertEquals(copy, handedOut.steps());
    }

    @Test
    void aPanelHearsOnlyOfTheRevisionsItFollows() {
        List<SessionState> stepPanel = new ArrayList<>();
        List<SessionState> breakpointPanel = new ArrayList<>();
        session.addPanel(panel(stepPanel, Set.of(SessionPanel.Revision.STEP)));
        session.addPanel(panel(breakpointPanel, Set.of(SessionPanel.Revision.BREAKPOINTS)));
        session.open(Samples.DEFAULT, wiring.sample(Samples.DEFAULT));
        session.step();
        session.toggleBreakpoint(Breakpoint.on(BreakpointKind.REFCOUNT_ZERO));
        session.toggleBreakpoint(Breakpoint.on(BreakpointKind.REFCOUNT_ZERO));
        assertEquals(List.of(1L, 2L), stepPanel.stream().map(SessionState::stepRevision).toList());
        assertEquals(List.of(1L, 2L), breakpointPanel.stream().map(SessionState::breakpointsRevision).toList());
    }

    private static SessionPanel panel(List<SessionState> seen, Set<SessionPanel.Revision> follows) {
        return new SessionPanel() {
            @Override
            public String panelName() {
                return "recorder";
            }

            @Override
            public Set<Revision> follows() {
                return follows;
            }

            @Override
            public void stepDidChange(SessionState state) {
                seen.add(state);
            }
        };
    }

    /** The first step at which more than one coroutine could have stepped. */
    private static int branchPoint(List<Step> steps) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).runnable().size() > 1) {
                return i;
            }
        }
        throw new AssertionError("the sample offers no choice of coroutine");
    }

    private static int other(Step taken) {
        return taken.runnable().stream().filter(c -> c != taken.coroutine()).findFirst().orElseThrow();
    }
}
