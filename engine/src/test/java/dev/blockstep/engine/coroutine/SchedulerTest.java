package dev.blockstep.engine.coroutine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.snapshot.CoState;
import dev.blockstep.engine.snapshot.Step;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchedulerTest {

    private static List<Integer> runAll(Scheduler s) {
        List<Integer> order = new ArrayList<>();
        Step st;
        while ((st = s.step()) != null) {
            order.add(st.coroutine());
        }
        return order;
    }

    private static Scheduler threeYielders(SchedulingPolicy p) {
        Scheduler s = new Scheduler(p);
        for (int i = 0; i < 3; i++) {
            s.spawn(new ScriptedCoroutine(s.nextId(), "C" + i).yields(4));
        }
        return s;
    }

    @Test
    void aPhaseThatDoesNotYieldLeavesOnlyThatCoroutineRunnable() {
        Scheduler s = new Scheduler(Policies.callerChoice());
        ScriptedCoroutine a = s.spawn(new ScriptedCoroutine(s.nextId(), "A").then(cx -> Outcome.CONTINUE).yields(1));
        ScriptedCoroutine b = s.spawn(new ScriptedCoroutine(s.nextId(), "B").yields(2));
        s.step(b.id());
        s.step(a.id());
        assertEquals(List.of(a.id()), s.runnable());
        assertThrows(IllegalArgumentException.class, () -> s.step(b.id()));
    }

    @Test
    void aSpawnedCoroutineRunsBeforeAnyPolicyChoice() {
        Scheduler s = new Scheduler(Policies.callerChoice());
        s.spawn(new ScriptedCoroutine(s.nextId(), "A").yields(2));
        s.step(0);
        ScriptedCoroutine b = s.spawn(new ScriptedCoroutine(s.nextId(), "B").yields(2));
        assertEquals(List.of(b.id()), s.runnable());
    }

    @Test
    void fifoRunsTheCoroutineReadyLongestFirst() {
        Scheduler s = new Scheduler(Policies.fifo());
        for (int i = 0; i < 3; i++) {
            s.spawn(new ScriptedCoroutine(s.nextId(), "C" + i).yields(2));
        }
        // C2 was spawned last and runs first (spawned coroutines are entered at once); then round robin.
        assertEquals(List.of(2, 1, 0, 2, 1, 0), runAll(s));
    }

    @Test
    void theSameSeedGivesTheSameOrder() {
        assertEquals(runAll(threeYielders(Policies.seededRandom(42))),
                runAll(threeYielders(Policies.seededRandom(42))));
    }

    @Test
    void differentSeedsGiveDifferentOrders() {
        assertNotEquals(runAll(threeYielders(Policies.seededRandom(1))),
                runAll(threeYielders(Policies.seededRandom(2))));
    }

    @Test
    void splitMix64FollowsItsPublishedSequence() {
        // Reference output of the published algorithm for seed 0.
        assertEquals(0xe220a8397b1dcdafL, new SplitMix64(0).nextLong());
    }

    @Test
    void splitMixBoundedDrawsStayInRangeAndCoverIt() {
        SplitMix64 r = new SplitMix64(7);
        int[] seen = new int[5];
        for (int i = 0; i < 1000; i++) {
            seen[r.nextInt(5)]++;
        }
        for (int n : seen) {
            assertTrue(n > 150, "every value is drawn about 200 times: " + java.util.Arrays.toString(seen));
        }
    }

    @Test
    void aRecordedScheduleIsFollowedStepByStep() {
        List<Integer> rec = runAll(threeYielders(Policies.seededRandom(5)));
        assertEquals(rec, runAll(threeYielders(Policies.recorded(rec))));
    }

    @Test
    void aRecordedScheduleRefusesACoroutineThatCannotRunNamingTheStepAndTheRunnableSet() {
        List<Integer> rec = new ArrayList<>(runAll(threeYielders(Policies.fifo())));
        rec.set(5, 7);
        Scheduler s = threeYielders(Policies.recorded(rec));
        var ex = assertThrows(ScheduleDivergedException.class, () -> runAll(s));
        assertEquals("step 5: recorded coroutine 7 cannot run; runnable [0, 1, 2]", ex.getMessage());
    }

    @Test
    void pctWithDepthOneRunsOneCoroutineToTheEndBeforeTheNext() {
        List<Integer> order = runAll(threeYielders(Policies.pct(3, 1, 100)));
        // Three spawn-forced first steps, then strict priority: each coroutine's remaining steps in one block.
        List<Integer> rest = order.subList(3, order.size());
        int switches = 0;
        for (int i = 1; i < rest.size(); i++) {
            if (!rest.get(i).equals(rest.get(i - 1))) {
                switches++;
            }
        }
        assertEquals(2, switches, "order " + order);
    }

    @Test
    void pctIsDeterministicForASeed() {
        assertEquals(runAll(threeYielders(Policies.pct(9, 3, 12))), runAll(threeYielders(Policies.pct(9, 3, 12))));
    }

    @Test
    void aFinishedCoroutineIsDone() {
        Scheduler s = threeYielders(Policies.fifo());
        runAll(s);
        for (Coroutine c : s.coroutines()) {
            assertEquals(CoState.DONE, c.state());
        }
    }
}
