package dev.blockstep.engine.coroutine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.snapshot.CoState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CoMutexTest {
    private final CoMutex lock = new CoMutex("s->lock");
    private final Scheduler s = new Scheduler(Policies.callerChoice());
    private final List<String> got = new ArrayList<>();

    private ScriptedCoroutine locker(String name) {
        ScriptedCoroutine c = new ScriptedCoroutine(s.nextId(), name);
        c.then(cx -> lock.lock(cx) ? Outcome.YIELD : lock.blocked())
                .then(cx -> {
                    got.add(name);
                    return Outcome.YIELD;
                })
                .then(cx -> {
                    lock.unlock(cx);
                    return Outcome.YIELD;
                });
        return c;
    }

    @Test
    void anUncontendedLockIsTakenAtOnceAndReportedAsUncontended() {
        ScriptedCoroutine a = s.spawn(locker("A"));
        var step = s.step(a.id());
        assertEquals(a.id(), lock.ownerId());
        assertEquals(new EngineEvent.LockAcquired(a.id(), "s->lock", false), step.events().get(0));
    }

    @Test
    void aContendedLockerSleepsUntilTheOwnerUnlocks() {
        ScriptedCoroutine a = s.spawn(locker("A"));
        s.step(a.id());
        ScriptedCoroutine b = s.spawn(locker("B"));
        s.step(b.id());
        assertEquals(CoState.WAITING_LOCK, b.state());
        assertEquals(List.of(b.id()), lock.waiterIds());
    }

    @Test
    void unlockHandsTheMutexStraightToTheFirstWaiterSoANewcomerCannotBargeIn() {
        ScriptedCoroutine a = s.spawn(locker("A"));
        s.step(a.id());
        ScriptedCoroutine b = s.spawn(locker("B"));
        s.step(b.id());
        s.step(a.id());
        s.step(a.id()); // unlock: B owns it now, before it has even run
        assertEquals(b.id(), lock.ownerId());
        ScriptedCoroutine c = s.spawn(locker("C"));
        s.step(c.id());
        assertEquals(CoState.WAITING_LOCK, c.state());
    }

    @Test
    void waitersGetTheMutexInTheOrderTheyQueued() {
        s.setPolicy(Policies.fifo());
        ScriptedCoroutine a = s.spawn(locker("A"));
        s.step();
        for (String n : List.of("B", "C", "D")) {
            s.spawn(locker(n));
            s.step();
        }
        while (s.canStep()) {
            s.step();
        }
        assertEquals(List.of("A", "B", "C", "D"), got);
        assertFalse(lock.isOwnedBy(a));
    }

    @Test
    void aWokenWaiterRunsAsSoonAsTheUnlockerYields() {
        ScriptedCoroutine a = s.spawn(locker("A"));
        s.step(a.id());
        ScriptedCoroutine b = s.spawn(locker("B"));
        s.step(b.id());
        s.step(a.id());
        s.step(a.id());
        assertEquals(List.of(b.id()), s.runnable());
        assertTrue(b.state().canStep());
    }
}
