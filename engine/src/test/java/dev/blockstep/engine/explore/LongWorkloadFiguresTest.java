package dev.blockstep.engine.explore;

import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.trace.Producer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("figures")
class LongWorkloadFiguresTest {
    @Test
    void printFigures() {
        for (long seed = 1; seed <= 3; seed++) {
            var cmds = RandomWorkload.generate(seed, 5000);
            List<Producer> p = new ArrayList<>();
            cmds.forEach(c -> p.add(Producer.GUEST));
            ExploreSetup s = new ExploreSetup("r" + seed, Qcow2Scenarios.fresh(), Qcow2Scenarios.QCOW2, cmds, p, false);
            FirstCorruption fifo = FirstCorruption.find(s, Policies.fifo(), new QemuImgCheck(), false);
            FirstCorruption rnd = FirstCorruption.find(s, Policies.seededRandom(seed), new QemuImgCheck(), false);
            System.out.println("seed " + seed + " fifo: first corrupt after " + fifo.commandsIssued() + " commands ("
                    + fifo.firstError() + "), first stderr after " + fifo.firstStderr() + ", steps " + fifo.engineSteps()
                    + ", " + fifo.nanos() / 1e6 + " ms; random: " + rnd.commandsIssued() + " (" + rnd.firstError()
                    + "), stderr " + rnd.firstStderr() + ", " + rnd.nanos() / 1e6 + " ms");
            long t0 = System.nanoTime();
            Minimizer.Result m = new Minimizer(new QemuImgCheck(), 10).minimize(s, null);
            System.out.println("  minimized " + m.requestsBefore() + " -> " + m.requestsAfter() + " requests, "
                    + m.departures() + " departures, " + m.tests() + " runs, " + (System.nanoTime() - t0) / 1e6
                    + " ms: " + m.setup().commands().stream().map(c -> c.toLine()).toList() + " => "
                    + m.counterexample().verdict().summary());
        }
    }
}
