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

    /**
     * The coroutine of qemu-io's command loop, which issues the workload's commands and waits in synchronous
     * commands and aio_flush. Schedules may name it although no command does; no command may take the name.
     */
    public static final String MAIN_COROUTINE = "main";

    public Trace {
        workload = List.copyOf(workload);
        schedule = List.copyOf(schedule);
        checkpoints = List.copyOf(checkpoints);
    }

    /** Every coroutine a schedule may name: {@link #MAIN_COROUTINE}, then the workload's, in workload order. */
    public List<String> coroutines() {
        List<String> names = new java.util.ArrayList<>();
        names.add(MAIN_COROUTINE);
        for (Command c : workload) {
            if (c.coroutine() != null) {
                names.add(c.coroutine());
            }
        }
        return names;
    }

    /** A trace with no schedule, checkpoints or qemu log. */
    public static Trace of(Metadata metadata, ImageSetup image, List<Command> workload, FixSetting fix) {
        return new Trace(FORMAT_VERSION, metadata, image, workload, fix, List.of(), List.of(), null);
    }
}
