package dev.blockstep.engine.explore;


/** Measurements for the report (not a test): the search with and without source sets on scenario files. */
public final class DporFigures {
    private DporFigures() {
    }

    public static void main(String[] args) throws Exception {
        for (String f : args) {
            for (boolean fix : new boolean[] {false, true}) {
                Scenario sc = Scenario.load(java.nio.file.Path.of(f));
                ExploreSetup s = sc.withFix(dev.blockstep.engine.fix.FixVariant.of(fix)).setup();
                for (boolean dpor : new boolean[] {false, true}) {
                    Exploration x = null;
                    long cpu = 0;
                    for (int rep = 0; rep < 3; rep++) {
                        long c0 = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
                        x = new Explorer(s, new Judge(s, new QemuImgCheck()), true, 10_000_000, 1).cacheStates(true)
                                .sourceSets(dpor).run();
                        cpu = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - c0;
                    }
                    System.out.printf("%s fix=%s dpor=%s: states %d, interleavings %d, hits %d, end states %d, corrupt %d,"
                            + " engine steps %d, %.1f ms wall, %.1f ms cpu, %s%n", f, fix, dpor, x.states(), x.interleavings(),
                            x.cacheHits(), x.endStates().size(), x.corruptEndStates(), x.engineSteps(), x.nanos() / 1e6,
                            cpu / 1e6, new java.util.TreeSet<>(x.endStates().keySet()).hashCode());
                }
            }
        }
    }
}
