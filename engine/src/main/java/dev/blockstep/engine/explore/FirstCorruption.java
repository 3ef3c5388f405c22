package dev.blockstep.engine.explore;

import dev.blockstep.engine.block.QemuIoMain;
import dev.blockstep.engine.coroutine.SchedulingPolicy;

/**
 * Runs a long workload under one policy and finds the first command after which the image is corrupt: the
 * metadata is checked after every step that leaves no request in flight, and at the end. This is how the brief's
 * 5000-command approach detects the race.
 *
 * @param commandsIssued commands issued when the first corruption was seen, or -1
 * @param firstStderr    commands issued when the first stderr line appeared, or -1
 * @param checks         metadata checks run
 */
public record FirstCorruption(int commandsIssued, String firstError, int firstStderr, int checks, long engineSteps,
                              long nanos) {

    public static FirstCorruption find(ExploreSetup setup, SchedulingPolicy policy, MetadataCheck check,
                                       boolean stopAtFirst) {
        long t0 = System.nanoTime();
        Run r = new Run(setup);
        QemuIoMain main = r.engine().main();
        int lastChecked = -1;
        int first = -1;
        String firstError = null;
        int firstStderr = -1;
        int checks = 0;
        while (!r.ended()) {
            var sch = r.engine().scheduler();
            var opts = r.options();
            int c = sch.choiceOpen() ? policy.choose(sch.stepIndex(), opts, sch) : opts.get(0);
            r.stepExactly(c);
            if (firstStderr < 0 && r.engine().node().stderrCount() > 0) {
                firstStderr = issued(setup, main.commandIndex());
            }
            boolean drained = main.inFlight() == 0 && main.commandIndex() != lastChecked;
            if (first < 0 && (drained || r.ended())) {
                lastChecked = main.commandIndex();
                checks++;
                var errs = check.errors(r.engine().file());
                if (!errs.isEmpty()) {
                    first = issued(setup, main.commandIndex());
                    firstError = errs.get(0);
                    if (stopAtFirst) {
                        break;
                    }
                }
            }
        }
        return new FirstCorruption(first, firstError, firstStderr, checks, r.stepCount(), System.nanoTime() - t0);
    }

    /** Requests issued (aio_flush not counted) among the first {@code commandIndex} commands. */
    private static int issued(ExploreSetup setup, int commandIndex) {
        int n = 0;
        for (int i = 0; i < commandIndex && i < setup.commands().size(); i++) {
            if (!(setup.commands().get(i) instanceof dev.blockstep.trace.qemuio.QemuIoCommand.AioFlush)) {
                n++;
            }
        }
        return n;
    }
}
