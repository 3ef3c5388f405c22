package dev.blockstep.engine.race;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.block.Images;
import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.session.Engine;
import dev.blockstep.engine.session.EngineSession;
import dev.blockstep.engine.session.Workload;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Measures engine steps per second and the cost of jumping around a 5000-command run; prints the figures. */
class EngineSpeedTest {

    @Test
    void aFiveThousandCommandRunTakesSecondsAtMostAndJumpsStayQuick() {
        HostFile img = Images.fresh16M();
        List<QemuIoCommand> cmds = Workloads.contended(1, 5000, 50);
        // Warm up the JIT once, then measure.
        new Engine(new Workload(img, "img", cmds, false, () -> Policies.seededRandom(1))).runToEnd();
        long t0 = System.nanoTime();
        int steps = new Engine(new Workload(img, "img", cmds, false, () -> Policies.seededRandom(1))).runToEnd();
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf("[EngineSpeedTest] %d steps in %.3f s = %.0f steps/s%n", steps, secs, steps / secs);

        EngineSession s = new EngineSession(new Workload(img, "img", cmds, false, () -> Policies.seededRandom(1)));
        long t1 = System.nanoTime();
        s.run(steps - 1000);
        for (int i = 0; i < 1000; i++) {
            s.step();
        }
        double stepping = (System.nanoTime() - t1) / 1e9;
        assertTrue(s.current().finished(), "the session reaches the end in the same number of steps");
        long t2 = System.nanoTime();
        s.goToStep(steps / 2);
        double jumpBack = (System.nanoTime() - t2) / 1e9;
        long t3 = System.nanoTime();
        s.goToStep(steps - 1);
        double jumpForward = (System.nanoTime() - t3) / 1e9;
        long t4 = System.nanoTime();
        s.stepBack();
        double back = (System.nanoTime() - t4) / 1e9;
        System.out.printf("[EngineSpeedTest] session: run to the end, the last 1000 steps with a snapshot each, %.2f s; go to step %d %.3f s;"
                + " go to step %d %.3f s; step back at the end %.3f s%n", stepping, steps / 2, jumpBack, steps - 1,
                jumpForward, back);
        assertTrue(secs < 30, "a 5000-command run takes " + secs + " s");
        assertTrue(back < 5, "step back takes " + back + " s");
    }
}
