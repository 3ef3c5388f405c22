package dev.blockstep.engine.explore;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.coroutine.Outcome;
import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.coroutine.Scheduler;
import dev.blockstep.engine.coroutine.ScriptedCoroutine;
import dev.blockstep.engine.coroutine.StepContext;
import dev.blockstep.engine.snapshot.Resource;
import dev.blockstep.engine.snapshot.Step;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * write_gen is a counter: completed writes add one, a flush of the file reads it. Two additions commute, an
 * addition and a read do not, and the steps that do either must say so.
 */
class CounterFootprintTest {
    private static final Resource GEN = Resource.Counter.FILE_WRITE_GEN;

    /** The footprint of one step that does {@code touches}, without the stepping coroutine's own state. */
    private static Footprint step(Consumer<StepContext> touches) {
        Scheduler s = new Scheduler(Policies.fifo());
        s.spawn(new ScriptedCoroutine(0, "W1").then(cx -> {
            touches.accept(cx);
            return Outcome.YIELD;
        }));
        Step st = s.step(0);
        return Footprint.of(List.of(new Step(st.index(), st.coroutine(), st.name(), st.runnable(), -1, 0, -1, 0,
                st.events(), "", st.touches().stream().filter(t -> t.resource() instanceof Resource.Counter).toList())));
    }

    @Test
    void additionsCommuteAndAReadDoesNotCommuteWithAnAddition() {
        Footprint add = step(cx -> cx.touch(GEN, true));
        Footprint read = step(cx -> cx.touch(GEN, false));
        Footprint readThenAdd = step(cx -> cx.touch(GEN, false).touch(GEN, true));
        assertTrue(add.independentOf(add));
        assertTrue(read.independentOf(read));
        assertFalse(add.independentOf(read));
        assertFalse(read.independentOf(add));
        // a step that reads the count and adds to it keeps its read: it must not pass for a mere addition
        assertFalse(readThenAdd.independentOf(add), readThenAdd.toString());
    }

    @Test
    void dataWritesAddToWriteGenAndFileFlushesReadIt() {
        Run r = Run.replay(Qcow2Scenarios.minimalRace(false), List.of());
        while (!r.ended()) {
            r.advance(r.options().get(0));
        }
        long key = Footprint.key(GEN);
        boolean added = false;
        boolean read = false;
        for (Step st : r.steps()) {
            Footprint f = Footprint.of(List.of(st));
            added |= java.util.Arrays.stream(f.adds()).anyMatch(k -> k == key) && st.name().equals("thread_pool_complete");
            read |= java.util.Arrays.stream(f.reads()).anyMatch(k -> k == key) && st.name().startsWith("bdrv_co_flush");
        }
        assertTrue(added, "no data write's completion added to write_gen");
        assertTrue(read, "no flush of the file read write_gen");
    }
}
