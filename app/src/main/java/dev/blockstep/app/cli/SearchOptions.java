package dev.blockstep.app.cli;

import picocli.CommandLine.Option;

/** {@code --preemption-bound} and {@code --threads}, the same on explore and verify. */
public final class SearchOptions {

    @Option(names = "--preemption-bound", paramLabel = "N", defaultValue = "-1",
            description = "Explore only schedules with at most N preemptions (switching away from a coroutine that "
                    + "could still run). The search is then not exhaustive: it is reported incomplete, never clean.")
    int preemptionBound;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "verify: run its searches (scenarios, --matrix cells) on N threads (default: one per core). "
                    + "explore --exhaustive: split the search tree into parts run on N threads (default: no split; "
                    + "the split's counts differ from the unsplit search's, as each part has its own state cache). "
                    + "explore --random: blocks of seeds on N threads, merged in seed order. "
                    + "The output does not depend on N.")
    int threads;

    /** A one-line error for a bad value, or null. */
    String problem() {
        if (preemptionBound < -1) {
            return "--preemption-bound: expected a number of preemptions (0 or more), got " + preemptionBound;
        }
        if (threads < 0) {
            return "--threads: expected a positive number, got " + threads;
        }
        return null;
    }

    int threads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }
}
