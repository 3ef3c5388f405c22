package dev.blockstep.engine.coroutine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.blockstep.engine.snapshot.CoState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CoQueueTest {

    @Test
    void restartAllWakesEveryWaiterAndTheyRunOldestFirst() {
        Scheduler s = new Scheduler(Policies.fifo());
        CoQueue q = new CoQueue();
        List<String> order = new ArrayList<>();
        for (String n : List.of("A", "B", "C")) {
            s.spawn(new ScriptedCoroutine(s.nextId(), n)
                    .then(cx -> {
                        q.queueWait(cx);
                        return Outcome.blocked(CoState.WAITING_DEPENDENCY, "q");
                    })
                    .then(cx -> {
                        order.add(n);
                        return Outcome.YIELD;
                    }));
            s.step();
        }
        s.spawn(new ScriptedCoroutine(s.nextId(), "W").then(cx -> {
            q.restartAll(cx);
            return Outcome.YIELD;
        }));
        while (s.canStep()) {
            s.step();
        }
        assertEquals(List.of("A", "B", "C"), order);
    }

    /**
     * qemu_aio_coroutine_enter runs deferred wake-ups depth-first: X wakes A then B from two queues; A, running
     * first, wakes C; C runs before B, which was owed a run before C was woken.
     */
    @Test
    void aCoroutineWokenByAWokenOneRunsBeforeTheWakersEarlierWakeUps() {
        Scheduler s = new Scheduler(Policies.fifo());
        CoQueue qa = new CoQueue();
        CoQueue qb = new CoQueue();
        CoQueue qc = new CoQueue();
        List<String> order = new ArrayList<>();
        s.spawn(sleeper(s, "A", qa, order, qc));
        s.step();
        s.spawn(sleeper(s, "B", qb, order, null));
        s.step();
        s.spawn(sleeper(s, "C", qc, order, null));
        s.step();
        s.spawn(new ScriptedCoroutine(s.nextId(), "X").then(cx -> {
            qa.restartNext(cx);
            qb.restartNext(cx);
            return Outcome.CONTINUE;
        }).then(cx -> Outcome.YIELD));
        while (s.canStep()) {
            s.step();
        }
        assertEquals(List.of("A", "C", "B"), order);
    }

    private static ScriptedCoroutine sleeper(Scheduler s, String n, CoQueue on, List<String> order, CoQueue wakes) {
        return new ScriptedCoroutine(s.nextId(), n)
                .then(cx -> {
                    on.queueWait(cx);
                    return Outcome.blocked(CoState.WAITING_DEPENDENCY, n);
                })
                .then(cx -> {
                    order.add(n);
                    if (wakes != null) {
                        wakes.restartNext(cx);
                    }
                    return Outcome.YIELD;
                });
    }
}
