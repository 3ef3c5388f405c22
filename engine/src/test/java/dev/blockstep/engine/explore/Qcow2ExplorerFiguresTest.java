package dev.blockstep.engine.explore;

import org.junit.jupiter.api.Test;

class Qcow2ExplorerFiguresTest {
    @Test
    void printMixFigures() {
        String[][] cases = {
            {"upstream-mix", "write -P 0x11 0 64k\n", "aio_write -P 0x22 0 64k\naio_write -z -u 0 64k\naio_write -P 0x33 64k 64k\naio_flush\n"},
            {"guest-only", "write -P 0x11 0 64k\nwrite -z 0 64k\n", "aio_write -P 0x22 0 64k\naio_write -z -u 64k 64k\naio_flush\naio_write -z -u 0 64k\naio_write -P 0x33 64k 64k\naio_flush\n"},
            {"mirror", "write -P 0x11 0 64k\nwrite -z 0 64k\n", "aio_write -P 0x22 0 64k\naio_write -z -u 0 64k\naio_write -P 0x33 64k 64k\naio_flush\n"},
        };
        for (String[] c : cases) {
            for (boolean fix : new boolean[] {false, true}) {
                ExploreSetup s = Qcow2Scenarios.setup(c[1], c[2], fix);
                Exploration r = Qcow2Scenarios.explore(s, true);
                System.out.println(c[0] + " fix=" + fix + " states=" + r.states() + " inter=" + r.interleavings()
                        + " ends=" + r.endStates().size() + " bad=" + r.badEndStates() + " ms=" + r.nanos() / 1e6);
                r.endStates().values().forEach(e -> System.out.println("  end x" + e.runs() + ": "
                        + e.verdict().summary() + " stderr=" + e.verdict().stderr() + " :: " + e.first().describe()));
            }
        }
    }

    @Test
    void printFigures() {
        for (boolean fix : new boolean[] {false, true}) {
            ExploreSetup s = Qcow2Scenarios.minimalRace(fix);
            Exploration r = Qcow2Scenarios.explore(s, true);
            Exploration n = Qcow2Scenarios.explore(s, false);
            System.out.println("fix=" + fix + " reduced states=" + r.states() + " inter=" + r.interleavings()
                    + " blocked=" + r.sleepBlocked() + " ends=" + r.endStates().size() + " bad=" + r.badEndStates()
                    + " ms=" + r.nanos() / 1e6 + " | full states=" + n.states() + " inter=" + n.interleavings()
                    + " bad=" + n.badSchedules().size() + " ms=" + n.nanos() / 1e6);
            r.endStates().values().forEach(e -> System.out.println("  end x" + e.runs() + ": " + e.verdict().summary()
                    + " stderr=" + e.verdict().stderr()));
        }
    }
}
