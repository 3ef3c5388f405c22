package dev.blockstep.engine.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.session.EngineSession;
import dev.blockstep.engine.snapshot.Step;
import dev.blockstep.trace.Command;
import dev.blockstep.trace.FixSetting;
import dev.blockstep.trace.Metadata;
import dev.blockstep.trace.Producer;
import dev.blockstep.trace.Trace;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@link TraceRun} chooses the schedule and the fix from a trace and the run options. */
class TraceRunTest {

    private static Trace recordedR2(long seed, int flipAt, Path dir) throws Exception {
        EngineSession s = TraceReplayTest.run(TraceReplayTest.r1Source(), seed, flipAt);
        return TraceReplayTest.recordWriteAndRead(TraceReplayTest.r1Source(), s, dir);
    }

    private static List<String> names(EngineSession s) {
        return s.steps().stream().map(Step::name).toList();
    }

    @Test
    void withoutOptionsTheRecordedScheduleIsFollowed(@TempDir Path dir) throws Exception {
        Trace t = recordedR2(3, -1, dir);
        EngineSession s = TraceRun.run(t, dir, "r2", TraceRun.Options.DEFAULT);
        assertEquals(t.schedule().stream().map(e -> e.step()).toList(), names(s));
    }

    @Test
    void forceFixIgnoresRecordedFlipsAndKeepsTheFixOnFromStepZero(@TempDir Path dir) throws Exception {
        Trace t = recordedR2(3, 4, dir);
        assertEquals(List.of(4L), t.fix().changes().stream().map(c -> c.step()).toList());
        EngineSession s = TraceRun.run(t, dir, "r2", new TraceRun.Options(FixVariant.PATCH, null));
        assertTrue(s.current().fixOn());
        assertFalse(s.flips().containsValue(FixVariant.NONE), "never turned off: " + s.flips());
        // With the fix the zero-write waits for the overlapping writer; without it (FIFO) it cuts in (facts 5.2).
        List<String> n = names(s);
        assertTrue(n.indexOf("tracked_request_end") < n.indexOf("qcow2_pwrite_zeroes"), n.toString());
        List<String> unfixed = names(TraceRun.run(TraceReplayTest.r1Source(), dir, "r2", TraceRun.Options.DEFAULT));
        assertTrue(unfixed.indexOf("tracked_request_end") > unfixed.indexOf("qcow2_pwrite_zeroes"),
                unfixed.toString());
    }

    @Test
    void aSeedRunsARandomScheduleAndKeepsTheRecordedFlipsAtTheirSteps(@TempDir Path dir) throws Exception {
        Trace t = recordedR2(3, 4, dir);
        EngineSession a = TraceRun.run(t, dir, "r2", new TraceRun.Options(null, 11L));
        EngineSession b = TraceRun.run(t, dir, "r2", new TraceRun.Options(null, 11L));
        assertEquals(names(a), names(b));
        assertEquals(Map.of(4, FixVariant.PATCH), a.flips());
        boolean differs = false;
        for (long seed = 0; seed < 20 && !differs; seed++) {
            differs = !names(TraceRun.run(t, dir, "r2", new TraceRun.Options(null, seed))).equals(names(a));
        }
        assertTrue(differs, "some seed schedules differently");
    }

    @Test
    void aBlockJobsRequestRunsLikeTheSameRequestFromTheGuest(@TempDir Path dir) throws Exception {
        Trace guest = TraceReplayTest.r1Source();
        Command.Write w = (Command.Write) guest.workload().get(0);
        Command mirror = new Command.Write(w.aio(), w.coroutine(), Producer.MIRROR, w.offset(), w.bytes(),
                w.pattern(), w.zero(), w.unmap(), w.fua());
        List<Command> workload = new java.util.ArrayList<>(guest.workload());
        workload.set(0, mirror);
        Trace job = Trace.of(Metadata.empty(), guest.image(), workload, FixSetting.ofToggles(false, List.of()));
        EngineSession a = TraceRun.run(guest, dir, "guest", TraceRun.Options.DEFAULT);
        EngineSession b = TraceRun.run(job, dir, "job", TraceRun.Options.DEFAULT);
        assertEquals(names(a), names(b));
        assertEquals(TraceImages.sha256(a.engine().file()), TraceImages.sha256(b.engine().file()));
        assertFalse(names(b).isEmpty());
        assertNotEquals(guest.workload(), job.workload());
    }
}
