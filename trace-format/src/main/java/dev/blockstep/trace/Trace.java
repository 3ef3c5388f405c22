package dev.blockstep.trace;

import java.util.List;

/**
 * A blockstep trace: everything needed to run a workload again step for step, and to prove the run matched.
 *
 * @param formatVersion the oldest format version that can hold this trace (see {@link #requiredVersion}); the
 *                      constructor sets it, so a trace read from a file and written again compares equal
 * @param workload      commands in qemu-io order
 * @param fix           the serialisation fix at start and where it flipped
 * @param schedule      the recorded schedule, one entry per engine step; empty when the trace is to be run by
 *                      metadata.policy
 * @param checkpoints   expected state at some steps, ascending by step
 * @param qemuLog       the qemu-level schedule of an imported {@code -T} log, or null
 * @param producer      the program that issued the workload (format 2), or null: qemu-io
 * @param node          the qcow2 node's options (format 2), or null: qemu's defaults
 * @param job           the block job started beside the workload (format 5), or null
 */
public record Trace(int formatVersion, Metadata metadata, ImageSetup image, List<Command> workload, FixSetting fix,
                    List<ScheduleEntry> schedule, List<Checkpoint> checkpoints, QemuLog qemuLog,
                    WorkloadProducer producer, NodeOptions node, JobCommand job) {

    /**
     * The newest version this build reads and writes: version 3 adds the image's backing chain, version 4 the FUA
     * flag of a discard (an NBD TRIM with NBD_CMD_FLAG_FUA), version 5 the block job started beside the workload.
     */
    public static final int FORMAT_VERSION = 5;

    /** The oldest version this build reads: version 1 has no producer and no node options. */
    public static final int OLDEST_FORMAT_VERSION = 1;

    /**
     * The coroutine of qemu-io's command loop, which issues the workload's commands and waits in synchronous
     * commands and aio_flush. Schedules may name it although no command does; no command may take the name.
     */
    public static final String MAIN_COROUTINE = "main";

    public Trace {
        workload = List.copyOf(workload);
        schedule = List.copyOf(schedule);
        checkpoints = List.copyOf(checkpoints);
        if (NodeOptions.isEmpty(node)) {
            node = null;
        }
        formatVersion = requiredVersion(image, producer, node, workload, job);
    }

    /** As {@link #requiredVersion(ImageSetup, WorkloadProducer, NodeOptions, List)}, and 5 with a block job. */
    public static int requiredVersion(ImageSetup image, WorkloadProducer producer, NodeOptions node,
                                      List<Command> workload, JobCommand job) {
        return job != null ? 5 : requiredVersion(image, producer, node, workload);
    }

    /** As {@link #requiredVersion(ImageSetup, WorkloadProducer, NodeOptions)}, and 4 when a discard carries FUA. */
    public static int requiredVersion(ImageSetup image, WorkloadProducer producer, NodeOptions node,
                                      List<Command> workload) {
        boolean fuaDiscard = workload.stream().anyMatch(c -> c instanceof Command.Discard d && d.fua());
        return fuaDiscard ? 4 : requiredVersion(image, producer, node);
    }

    /**
     * The oldest format version that holds a trace with these sections: 3 with a backing chain, 2 with a
     * producer or node options, else 1. Writers use it, so a trace that needs nothing new stays readable by older
     * builds.
     */
    public static int requiredVersion(ImageSetup image, WorkloadProducer producer, NodeOptions node) {
        if (image != null && image.backing() != null) {
            return 3;
        }
        return producer == null && NodeOptions.isEmpty(node) ? OLDEST_FORMAT_VERSION : 2;
    }

    /** A trace without producer or node options, as every version-1 file is. */
    public Trace(int formatVersion, Metadata metadata, ImageSetup image, List<Command> workload, FixSetting fix,
                 List<ScheduleEntry> schedule, List<Checkpoint> checkpoints, QemuLog qemuLog) {
        this(formatVersion, metadata, image, workload, fix, schedule, checkpoints, qemuLog, null, null, null);
    }

    /** A trace without a block job, as every file before version 5 is. */
    public Trace(int formatVersion, Metadata metadata, ImageSetup image, List<Command> workload, FixSetting fix,
                 List<ScheduleEntry> schedule, List<Checkpoint> checkpoints, QemuLog qemuLog,
                 WorkloadProducer producer, NodeOptions node) {
        this(formatVersion, metadata, image, workload, fix, schedule, checkpoints, qemuLog, producer, node, null);
    }

    /** The oldest format version that can hold this trace (see {@link #requiredVersion(ImageSetup, WorkloadProducer, NodeOptions)}). */
    public int requiredVersion() {
        return formatVersion;
    }

    /** The same trace with a producer and node options. */
    public Trace withProducer(WorkloadProducer newProducer, NodeOptions newNode) {
        return new Trace(formatVersion, metadata, image, workload, fix, schedule, checkpoints, qemuLog, newProducer,
                newNode, job);
    }

    /** The same trace with other metadata. */
    public Trace withMetadata(Metadata newMetadata) {
        return new Trace(formatVersion, newMetadata, image, workload, fix, schedule, checkpoints, qemuLog, producer,
                node, job);
    }

    /** The same trace with another block job (null: none). */
    public Trace withJob(JobCommand newJob) {
        return new Trace(formatVersion, metadata, image, workload, fix, schedule, checkpoints, qemuLog, producer,
                node, newJob);
    }

    /** The same trace with another workload. */
    public Trace withWorkload(List<Command> newWorkload) {
        return new Trace(formatVersion, metadata, image, newWorkload, fix, schedule, checkpoints, qemuLog, producer,
                node, job);
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
