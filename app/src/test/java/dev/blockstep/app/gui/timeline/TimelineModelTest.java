package dev.blockstep.app.gui.timeline;

import static dev.blockstep.app.gui.HandBuilt.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.snapshot.Step;
import dev.blockstep.engine.snapshot.StepHistory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimelineModelTest {

    /** W (co 1) takes the lock, drops it for data I/O, completes; D (co 2) waits for the lock meanwhile. */
    private static List<Step> race() {
        return List.of(
                step(0, 1, "lock", new EngineEvent.LockAcquired(1, "s->lock", false)),
                step(1, 2, "lock", new EngineEvent.LockContended(2, "s->lock", 1)),
                step(2, 1, "unlock", new EngineEvent.LockDroppedForDataIo(1, 0x50000, 65536),
                        new EngineEvent.LockReleased(1, "s->lock", 2)),
                step(3, 1, "data_io", new EngineEvent.DataIoSubmitted(1, 0x50000, 65536)),
                step(4, 2, "discard", new EngineEvent.RefcountChanged(2, 5, 1, 0)),
                step(5, 1, "complete", new EngineEvent.DataIoCompleted(1, 0x50000, 65536)));
    }

    private static Lane lane(TimelineModel m, int co) {
        return m.lanes().stream().filter(l -> l.coroutine() == co).findFirst().orElseThrow();
    }

    @Test
    void lockHeldSpanEndsAtTheLockDrop() {
        TimelineModel m = new TimelineModel();
        m.follow(StepHistory.of(race()), 65536);
        assertEquals(List.of(new Span(SpanKind.LOCK_HELD, 0, 3), new Span(SpanKind.RACE_WINDOW, 2, Span.OPEN),
                new Span(SpanKind.DATA_IO, 3, 6)), lane(m, 1).spans());
    }

    @Test
    void waiterGetsTheLockWhenItIsHandedOver() {
        TimelineModel m = new TimelineModel();
        m.follow(StepHistory.of(race()), 65536);
        assertEquals(List.of(new Span(SpanKind.WAIT, 1, 3), new Span(SpanKind.LOCK_HELD, 3, Span.OPEN)),
                lane(m, 2).spans());
    }

    @Test
    void lockDropAndFreeAreMarked() {
        TimelineModel m = new TimelineModel();
        m.follow(StepHistory.of(race()), 65536);
        assertTrue(lane(m, 1).marks().stream().anyMatch(k -> k.kind() == MarkKind.LOCK_DROP && k.step() == 2));
        assertTrue(lane(m, 2).marks().stream().anyMatch(k -> k.kind() == MarkKind.REFCOUNT_FREED && k.step() == 4));
    }

    @Test
    void goingBackGivesTheSameModelAsFollowingTheShorterHistory() {
        TimelineModel back = new TimelineModel();
        back.follow(StepHistory.of(race()), 65536);
        back.follow(StepHistory.of(race().subList(0, 4)), 65536);
        TimelineModel fresh = new TimelineModel();
        fresh.follow(StepHistory.of(race().subList(0, 4)), 65536);
        assertEquals(fresh.length(), back.length());
        for (int co : new int[]{1, 2}) {
            assertEquals(lane(fresh, co).spans(), lane(back, co).spans());
            assertEquals(lane(fresh, co).marks(), lane(back, co).marks());
        }
    }

    /** The race, then W relinks guest cluster 0 (link_l2) and finishes. */
    private static List<Step> raceAndRelink() {
        List<Step> steps = new ArrayList<>(race());
        steps.add(step(6, 1, "qcow2_cluster_link_l2", new EngineEvent.L2EntryWritten(1, 0, 0, 0x8000000000050000L)));
        steps.add(step(7, 1, "done", new EngineEvent.RequestFinished(1, "ok")));
        return steps;
    }

    @Test
    void theRaceWindowRunsFromTheLockDropToTheRelinkOnTheWritersLane() {
        TimelineModel m = new TimelineModel();
        m.follow(StepHistory.of(raceAndRelink()), 65536);
        assertEquals(List.of(new Span(SpanKind.RACE_WINDOW, 2, 7)),
                lane(m, 1).spans().stream().filter(s -> s.kind() == SpanKind.RACE_WINDOW).toList());
    }

    @Test
    void theFreeOfTheHeldClusterInsideTheWindowIsMarkedOnBothLanes() {
        TimelineModel m = new TimelineModel();
        m.follow(StepHistory.of(raceAndRelink()), 65536);
        assertEquals(List.of(new Mark(MarkKind.RACE_FREE, 4, "host cluster 5 freed inside this race window by", 2)),
                lane(m, 1).marks().stream().filter(k -> k.kind() == MarkKind.RACE_FREE).toList());
        assertEquals(List.of(new Mark(MarkKind.RACE_FREE, 4, "frees host cluster 5 inside the race window of", 1)),
                lane(m, 2).marks().stream().filter(k -> k.kind() == MarkKind.RACE_FREE).toList());
    }

    @Test
    void aFreeOfAnotherClusterIsNotARaceFree() {
        List<Step> steps = new ArrayList<>(raceAndRelink());
        steps.set(4, step(4, 2, "discard", new EngineEvent.RefcountChanged(2, 6, 1, 0)));
        TimelineModel m = new TimelineModel();
        m.follow(StepHistory.of(steps), 65536);
        assertTrue(!m.hasRaceFree(), "cluster 6 is not the one W holds");
    }

    @Test
    void anotherStoryStartsOverWithoutTheOldLanes() {
        TimelineModel m = new TimelineModel();
        m.follow(StepHistory.of(raceAndRelink()), 65536);
        int before = m.generation();
        m.follow(StepHistory.of(List.of(step(0, 9, "lock", new EngineEvent.LockAcquired(9, "s->lock", false)))),
                65536);
        assertEquals(List.of(9), m.lanes().stream().map(Lane::coroutine).toList());
        assertTrue(m.generation() > before);
    }

    @Test
    void visibleRangeQueryReturnsOnlyOverlappingSpans() {
        TimelineModel m = new TimelineModel();
        m.follow(StepHistory.of(race()), 65536);
        assertEquals(List.of(new Span(SpanKind.RACE_WINDOW, 2, Span.OPEN), new Span(SpanKind.DATA_IO, 3, 6)),
                lane(m, 1).spansIn(4, 5));
        assertEquals(List.of(new Span(SpanKind.LOCK_HELD, 0, 3)), lane(m, 1).spansIn(0, 1));
    }

    @Test
    void followingAGrowingHistoryOfManyStepsOnlyAddsTheNewOnes() {
        List<Step> steps = new ArrayList<>();
        TimelineModel m = new TimelineModel();
        for (int i = 0; i < 200_000; i++) {
            int co = (i / 2) % 50;
            steps.add(step(i, co, "s", i % 2 == 0 ? new EngineEvent.LockAcquired(co, "s->lock", false)
                    : new EngineEvent.LockReleased(co, "s->lock", -1)));
            if (i % 1000 == 999) {
                m.follow(StepHistory.of(steps), 65536);
            }
        }
        assertEquals(200_000, m.length());
        assertEquals(50, m.lanes().size());
        assertEquals(List.of(new Span(SpanKind.LOCK_HELD, 100_014, 100_016)), lane(m, 7).spansIn(100_000, 100_100));
    }
}
