package dev.blockstep.engine.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.coroutine.Outcome;
import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.coroutine.Scheduler;
import dev.blockstep.engine.coroutine.ScriptedCoroutine;
import dev.blockstep.engine.coroutine.StepContext;
import dev.blockstep.engine.snapshot.CoState;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class TrackedRequestsTest {
    private static final long CS = 65536;
    private final Scheduler s = new Scheduler(Policies.callerChoice());
    private final TrackedRequests reqs = new TrackedRequests();

    /** Runs {@code body} as one step of a fresh coroutine and returns what it produced. */
    private <T> T inStep(Function<StepContext, T> body) {
        List<T> out = new ArrayList<>();
        ScriptedCoroutine c = s.spawn(new ScriptedCoroutine(s.nextId(), "C" + s.nextId()).then(cx -> {
            out.add(body.apply(cx));
            return Outcome.YIELD;
        }).yields(1));
        s.step(c.id());
        return out.get(0);
    }

    private TrackedRequest begin(long off, long bytes, TrackedRequestType t) {
        return inStep(cx -> reqs.begin(cx, off, bytes, t));
    }

    @Test
    void beginInsertsAtTheHeadWithTheRequestAsItsWindow() {
        TrackedRequest a = begin(0, 4096, TrackedRequestType.WRITE);
        TrackedRequest b = begin(8192, 4096, TrackedRequestType.WRITE);
        assertEquals(List.of(b, a), reqs.list());
        assertEquals(0, a.overlapOffset());
        assertEquals(4096, a.overlapBytes());
        assertFalse(a.serialising());
    }

    @Test
    void setSerialisingWidensTheWindowToTheAlignment() {
        TrackedRequest a = begin(70000, 1000, TrackedRequestType.WRITE);
        reqs.setSerialising(a, CS);
        assertEquals(CS, a.overlapOffset());
        assertEquals(CS, a.overlapBytes());
    }

    @Test
    void setSerialisingTwiceCountsTheRequestOnce() {
        TrackedRequest a = begin(0, CS, TrackedRequestType.DISCARD);
        reqs.setSerialising(a, CS);
        reqs.setSerialising(a, CS);
        assertEquals(1, reqs.serialisingInFlight());
    }

    @Test
    void twoNonSerialisingRequestsNeverConflictEvenWhenTheyOverlap() {
        begin(0, CS, TrackedRequestType.WRITE);
        TrackedRequest b = begin(0, CS, TrackedRequestType.WRITE);
        assertNull(reqs.findConflicting(b));
    }

    @Test
    void aSerialisingRequestConflictsWithAnOverlappingNonSerialisingOne() {
        TrackedRequest w = begin(0, 4096, TrackedRequestType.WRITE);
        TrackedRequest z = begin(8192, 4096, TrackedRequestType.WRITE);
        reqs.setSerialising(z, CS);
        assertSame(w, reqs.findConflicting(z));
    }

    @Test
    void aNonSerialisingRequestConflictsWithAnOverlappingSerialisingOne() {
        TrackedRequest z = begin(0, CS, TrackedRequestType.DISCARD);
        reqs.setSerialising(z, CS);
        TrackedRequest w = begin(4096, 512, TrackedRequestType.WRITE);
        assertSame(z, reqs.findConflicting(w));
    }

    @Test
    void theSerialisingWindowIsNotWidenedForTheOtherSide() {
        // Only the serialising request's window grows; a plain request outside it does not conflict.
        TrackedRequest z = begin(0, 4096, TrackedRequestType.DISCARD);
        reqs.setSerialising(z, CS);
        TrackedRequest w = begin(CS, 4096, TrackedRequestType.WRITE);
        assertNull(reqs.findConflicting(w));
    }

    @Test
    void findConflictingSkipsTheRequestItself() {
        TrackedRequest z = begin(0, CS, TrackedRequestType.DISCARD);
        reqs.setSerialising(z, CS);
        assertNull(reqs.findConflicting(z));
    }

    @Test
    void aRequestThatIsItselfWaitingIsSkipped() {
        TrackedRequest w = begin(0, CS, TrackedRequestType.WRITE);
        TrackedRequest z = begin(0, CS, TrackedRequestType.WRITE);
        reqs.setSerialising(z, CS);
        Outcome o = inStep(cx -> reqs.waitSerialising(cx, z, true));
        assertTrue(o instanceof Outcome.Blocked);
        assertSame(w, z.waitingFor());
        TrackedRequest late = begin(0, CS, TrackedRequestType.WRITE);
        // late conflicts with z only, and z is waiting: late goes ahead.
        assertNull(reqs.findConflicting(late));
    }

    @Test
    void theFastPathSkipsTheScanWhileNoSerialisingRequestIsInFlight() {
        begin(0, CS, TrackedRequestType.WRITE);
        TrackedRequest w = begin(0, CS, TrackedRequestType.WRITE);
        assertNull(inStep(cx -> reqs.waitSerialising(cx, w, true)));
    }

    @Test
    void endWakesTheRequestsWaitingOnItAndTheirRescanFindsNoConflict() {
        Scheduler sch = new Scheduler(Policies.fifo());
        TrackedRequests rq = new TrackedRequests();
        TrackedRequest[] w = new TrackedRequest[1];
        TrackedRequest[] z = new TrackedRequest[1];
        List<String> log = new ArrayList<>();
        sch.spawn(new ScriptedCoroutine(sch.nextId(), "W")
                .then(cx -> {
                    w[0] = rq.begin(cx, 0, CS, TrackedRequestType.WRITE);
                    return Outcome.YIELD;
                }));
        sch.step();
        ScriptedCoroutine zero = new ScriptedCoroutine(sch.nextId(), "Z");
        zero.then(cx -> {
            z[0] = rq.begin(cx, 0, CS, TrackedRequestType.WRITE);
            rq.setSerialising(z[0], CS);
            Outcome o = rq.waitSerialising(cx, z[0], false);
            log.add(o == null ? "Z went on" : "Z waits");
            return o == null ? Outcome.YIELD : o;
        }).then(cx -> {
            Outcome o = rq.waitSerialising(cx, z[0], false);
            log.add(o == null ? "Z went on" : "Z waits");
            return o == null ? Outcome.YIELD : o;
        });
        sch.spawn(zero);
        sch.step();
        assertEquals(CoState.WAITING_TRACKED_REQUEST, zero.state());
        sch.spawn(new ScriptedCoroutine(sch.nextId(), "E").then(cx -> {
            rq.end(cx, w[0]);
            return Outcome.YIELD;
        }));
        sch.step();
        assertEquals(List.of(zero.id()), sch.runnable());
        sch.step();
        assertEquals(List.of("Z waits", "Z went on"), log);
    }
}
