package dev.blockstep.engine.race;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.block.Images;
import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.session.EngineSession;
import dev.blockstep.engine.session.Workload;
import dev.blockstep.engine.snapshot.Snapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jumps that restore a checkpoint reach exactly the state a straight run reached. */
class CheckpointTest {
    @TempDir
    Path dir;

    private String state(EngineSession s) throws Exception {
        Snapshot c = s.current();
        Path p = dir.resolve("s.qcow2");
        s.engine().file().save(p);
        return c.step() + " " + c.fixOn() + " " + c.coroutines() + " " + c.trackedRequests() + " " + c.lock() + " "
                + c.image() + " " + c.stderr() + " " + s.engine().node().stdoutLines() + " "
                + java.util.Arrays.hashCode(Files.readAllBytes(p)) + " next " + s.nextUnderPolicy();
    }

    @Test
    void jumpsThroughCheckpointsReachTheSameStateAsAStraightRun() throws Exception {
        Workload w = new Workload(Images.fresh16M(), "img", Workloads.contended(5, 1500, 50), FixVariant.NONE,
                () -> Policies.seededRandom(5));
        EngineSession s = new EngineSession(w);
        Map<Integer, String> seen = new LinkedHashMap<>();
        for (int mark : new int[] {0, 777, 5000, 9000, 12345, 16000, 20001}) {
            s.run(mark - s.current().step());
            if (mark == 9000) {
                s.setFix(FixVariant.PATCH);
            }
            seen.put(mark, state(s));
        }
        s.run(Integer.MAX_VALUE);
        int end = s.current().step();
        seen.put(end, state(s));
        assertTrue(s.checkpointSteps().size() > 10, "checkpoints kept: " + s.checkpointSteps());
        for (int mark : List.of(12345, 777, end, 0, 20001, 5000, 16000, 9000)) {
            s.goToStep(mark);
            assertEquals(seen.get(mark), state(s), "step " + mark);
        }
    }
}
