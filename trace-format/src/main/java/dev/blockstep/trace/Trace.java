package dev.blockstep.trace;

import java.util.List;

/**
 * A blockstep trace: everything needed to run a workload again step for step, and to prove the run matched.
 *
 * @param formatVersion {@link #FORMAT_VERSION}
 * @param workload      commands in qemu-io order
 * @param fix           the serialisation fix at start and where it flipped
 * @param schedule      the recorded schedule, one entry per engine step; empty when the trace is to be run by
 *                      metadata.policy
 * @param checkpoints   expected state at some steps, ascending by step
 * @param qemuLog       the qemu-level schedule of an imported {@code -T} log, or null
 */
public record Trace(int formatVersion, Metadata metadata, ImageSetup image, List<Command> workload, FixSetting fix,
                    List<ScheduleEntry> schedule, List<Checkpoint> checkpoints, QemuLog qemuLog) {

    /** The only version this build reads and writes. */
    public static final int FORMAT_VERSION = 1;

    public Trace {
        workload = List.copyOf(workload);
        schedule = List.copyOf(schedule);
        checkpoints = List.copyOf(checkpoints);
    }

    /** A trace with no schedule, checkpoints or qemu log. */
    public static Trace of(Metadata metadata, ImageSetup image, List<Command> workload, FixSetting fix) {
        return new Trace(FORMAT_VERSION, metadata, image, workload, fix, List.of(), List.of(), null);
    }
}
