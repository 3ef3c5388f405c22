package dev.blockstep.engine.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.blockstep.engine.block.Images;
import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A session opened on a recorded run comes back to that run on restart, not to its policy's. */
class RestartKeepsTheRecordingTest {
    private static final long CS = 65536;

    private static List<QemuIoCommand> commands() {
        List<QemuIoCommand> cmds = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            cmds.add(new QemuIoCommand.AioWrite(CS * (i % 3), CS, 0x10 + i, i % 3 == 1, i % 3 == 1, false));
        }
        cmds.add(new QemuIoCommand.AioFlush());
        return cmds;
    }

    private static Workload fifo() {
        return new Workload(Images.fresh16M(), "img", commands(), FixVariant.NONE, Policies::fifo);
    }

    /** A seeded random run: a schedule FIFO would not take. */
    private static List<Integer> randomRun() {
        EngineSession s = new EngineSession(new Workload(Images.fresh16M(), "img", commands(), FixVariant.NONE,
                () -> Policies.seededRandom(7)));
        s.run(Integer.MAX_VALUE);
        return s.schedule();
    }

    private static List<Integer> runToEnd(EngineSession s) {
        s.run(Integer.MAX_VALUE);
        return s.schedule();
    }

    @Test
    void aFollowedScheduleIsAheadAgainAfterRestart() {
        List<Integer> recorded = randomRun();
        EngineSession fresh = new EngineSession(fifo());
        assertNotEquals(recorded, runToEnd(fresh), "the recording differs from FIFO, so the test can tell them apart");

        EngineSession s = EngineSession.following(fifo(), recorded, Map.of());
        assertEquals(recorded, runToEnd(s));
        s.restart();
        assertEquals(0, s.current().step());
        assertEquals(recorded.size(), s.historyLength());
        assertEquals(recorded, runToEnd(s));
    }

    @Test
    void aHistoryKeptAsTheRecordingComesBackAfterADifferentPathAndARestart() {
        List<Integer> recorded = randomRun();
        EngineSession s = new EngineSession(fifo());
        for (int id : recorded) {
            s.advance(id);
        }
        s.keepHistoryAsRecording();
        s.goToStep(0);
        s.setFix(FixVariant.PATCH);
        assertEquals(0, s.historyLength(), "a flip at step 0 starts a new future");
        s.restart();
        assertFalse(s.current().fixOn(), "the fix is back as the workload started");
        assertEquals(recorded.size(), s.historyLength());
        assertEquals(recorded, runToEnd(s));
    }
}
