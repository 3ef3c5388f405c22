package dev.blockstep.engine.explore;

import java.lang.management.ManagementFactory;

/** Measurements for the report (not a test): the split search's cost by the number of parts and threads. */
public final class SplitFigures {
    private SplitFigures() {
    }

    public static void main(String[] args) throws Exception {
        ExploreSetup s = Scenario.load(java.nio.file.Path.of(args[0])).withFix(
                dev.blockstep.engine.fix.FixVariant.of(Boolean.parseBoolean(args[1]))).setup();
        for (int i = 2; i < args.length; i++) {
            String[] pt = args[i].split("x");
            int parts = Integer.parseInt(pt[0]);
            int threads = Integer.parseInt(pt[1]);
            long c0 = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean o
                    ? o.getProcessCpuTime() : 0;
            Exploration x = parts == 0
                    ? SearchSettings.of(10_000_000, Long.MAX_VALUE).explorer(s, new Judge(s, new QemuImgCheck()), 1).run()
                    : SplitSearch.run(s, () -> SearchSettings.of(10_000_000, Long.MAX_VALUE)
                    .explorer(s, new Judge(s, new QemuImgCheck()), 1), threads, parts);
            long c1 = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
            System.out.printf("parts %d threads %d: states %d, engine steps %d, hits %d, end states %d, %.0f ms wall,"
                    + " %.0f ms process cpu%n", parts, threads, x.states(), x.engineSteps(), x.cacheHits(),
                    x.endStates().size(), x.nanos() / 1e6, (c1 - c0) / 1e6);
        }
    }
}
