package dev.blockstep.engine.explore;

import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.fix.FixVariant;

/**
 * Measurements for the report (not a test): run with the engine's test classpath. Prints exhaustive counts and
 * timings (warm JVM), random-search detection rates, and the 5000-command approach's commands to first
 * corruption.
 */
public final class ExploreFigures {
    private ExploreFigures() {
    }

    public static void main(String[] args) {
        String[][] cases = {
            {"minimal-race", "write -P 0x11 0 64k\nwrite -z 0 64k\n", "aio_write -P 0x22 0 64k\naio_write -z -u 0 64k\naio_flush\n"},
            {"upstream-mix", "write -P 0x11 0 64k\n", "aio_write -P 0x22 0 64k\naio_write -z -u 0 64k\naio_write -P 0x33 64k 64k\naio_flush\n"},
            {"three-requests", "write -P 0x11 0 64k\nwrite -z 0 64k\n", "aio_write -P 0x22 0 64k\naio_write -z -u 0 64k\naio_write -P 0x33 64k 64k\naio_flush\n"},
        };
        for (String[] c : cases) {
            for (boolean fix : new boolean[] {false, true}) {
                ExploreSetup s = Qcow2Scenarios.setup(c[1], c[2], fix);
                for (boolean reduce : new boolean[] {true, false}) {
                    Exploration x = null;
                    for (int rep = 0; rep < 3; rep++) {
                        x = Qcow2Scenarios.explore(s, reduce);
                    }
                    System.out.printf("%s fix=%s reduce=%s: states %d, interleavings %d, end states %d, bad end states %d,"
                            + " bad interleavings %d, engine steps %d, %.1f ms, %.0f states/s%n", c[0], fix, reduce,
                            x.states(), x.interleavings(), x.endStates().size(), x.badEndStates(),
                            x.endStates().values().stream().filter(e -> e.verdict().bad()).mapToLong(e -> e.runs()).sum(),
                            x.engineSteps(), x.nanos() / 1e6, x.statesPerSecond());
                }
            }
        }
        ExploreSetup race = Qcow2Scenarios.minimalRace(false);
        for (Strategy st : Strategy.values()) {
            RandomSearch r = RandomSearch.run(race, new Judge(race, new QemuImgCheck()), 1000, 1, st);
            System.out.printf("random %s on minimal-race: %d/%d bad (%.3f), first bad run %d, %d steps, %.1f ms%n", st,
                    r.badRuns(), r.runs(), r.detectionRate(), r.firstBadRun() + 1, r.engineSteps(), r.nanos() / 1e6);
        }
        ExploreSetup mix = Qcow2Scenarios.setup(cases[1][1], cases[1][2], false);
        for (Strategy st : Strategy.values()) {
            RandomSearch r = RandomSearch.run(mix, new Judge(mix, new QemuImgCheck()), 1000, 1, st);
            System.out.printf("random %s on upstream-mix (drift): %d/%d bad (%.3f), first bad run %d%n", st,
                    r.badRuns(), r.runs(), r.detectionRate(), r.firstBadRun() + 1);
        }
        for (long seed = 1; seed <= 5; seed++) {
            var cmds = RandomWorkload.generate(seed, 5000);
            ExploreSetup s = ExploreSetup.guestOnly("r" + seed, Qcow2Scenarios.fresh(), cmds, FixVariant.NONE);
            FirstCorruption fifo = FirstCorruption.find(s, Policies.fifo(), new QemuImgCheck(), true);
            FirstCorruption rnd = FirstCorruption.find(s, Policies.seededRandom(seed), new QemuImgCheck(), true);
            System.out.printf("5000-command workload seed %d: fifo first corrupt after %d requests (%s) in %d steps, "
                    + "%.0f ms, %d checks; random first corrupt after %d requests in %d steps, %.0f ms; "
                    + "first stderr fifo %d, random %d%n", seed, fifo.commandsIssued(), fifo.firstError(),
                    fifo.engineSteps(), fifo.nanos() / 1e6, fifo.checks(), rnd.commandsIssued(), rnd.engineSteps(),
                    rnd.nanos() / 1e6, fifo.firstStderr(), rnd.firstStderr());
        }
        long t0 = System.nanoTime();
        var cmds = RandomWorkload.generate(1, 5000);
        ExploreSetup s = ExploreSetup.guestOnly("r1", Qcow2Scenarios.fresh(), cmds, FixVariant.NONE);
        Minimizer.Result m = new Minimizer(new QemuImgCheck(), 3).minimize(s, null);
        System.out.printf("minimize 5000-command seed 1: %d -> %d requests, %d departures, %d runs, %.1f s: %s%n",
                m.requestsBefore(), m.requestsAfter(), m.departures(), m.tests(), (System.nanoTime() - t0) / 1e9,
                m.setup().commands().stream().map(c -> c.toLine()).toList());
    }
}
