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
}
