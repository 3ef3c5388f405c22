package dev.blockstep.engine.explore;

import org.junit.jupiter.api.Test;

class Qcow2ExplorerFiguresTest {
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
