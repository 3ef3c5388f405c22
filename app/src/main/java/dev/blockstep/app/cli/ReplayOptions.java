package dev.blockstep.app.cli;

import dev.blockstep.engine.trace.TraceRun;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of every command that replays a trace: {@code --fix[=VARIANT]} and {@code --seed N}. One mixin, so
 * that {@code run} and {@code export-diagram} cannot drift apart in how they pick the schedule.
 */
public final class ReplayOptions {

    @Mixin
    FixOption fix;

    @Option(names = "--seed", paramLabel = "N", description = "Run a seeded random schedule instead of the recorded one.")
    Long seed;

    /** What {@link TraceRun} is asked to do: the chosen variant (or the trace's) and the seed (or the recorded schedule). */
    public TraceRun.Options toRunOptions() {
        return new TraceRun.Options(fix.chosen(), seed);
    }
}
