package dev.blockstep.engine.race;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.block.Images;
import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.session.Engine;
import dev.blockstep.engine.session.EngineSession;
import dev.blockstep.engine.session.Workload;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A 5000-command run stepped through a session ends where the plain engine ends, and jumps around it land on
 * the same states. Its speed is measured by {@code blockstep bench}, not asserted here.
 */
class LongRunSessionTest {

    @Test
    void aSessionStepsAFiveThousandCommandRunToTheEngineEndAndJumpsBackAndForth() {
        HostFile img = Images.fresh16M();
        List<QemuIoCommand> cmds = Workloads.contended(1, 5000, 50);
        Engine plain = new Engine(new Workload(img, "img", cmds, FixVariant.NONE, () -> Policies.seededRandom(1)));
        int steps = plain.runToEnd();

        EngineSession s = new EngineSession(new Workload(img, "img", cmds, FixVariant.NONE, () -> Policies.seededRandom(1)));
        s.run(steps - 1000);
        for (int i = 0; i < 1000; i++) {
            s.step();
        }
        assertTrue(s.current().finished(), "the session reaches the end in the same number of steps");
        assertEquals(plain.file().contentHash(), s.engine().file().contentHash(), "same image bytes at the end");

        s.goToStep(steps / 2);
        assertFalse(s.current().finished());
        assertEquals(steps, s.historyLength(), "a jump back keeps the history");
        s.goToStep(steps);
        assertTrue(s.current().finished());
        assertEquals(plain.file().contentHash(), s.engine().file().contentHash(), "the jump forward replays to the same end");
        s.stepBack();
        assertFalse(s.current().finished(), "one step before the end is not finished");
    }
}
