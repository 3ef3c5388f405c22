package dev.blockstep.engine.session;

import dev.blockstep.engine.block.BlockJobSpec;
import dev.blockstep.engine.block.BlockStack;
import dev.blockstep.engine.block.CommandSource;
import dev.blockstep.engine.check.OpenRepair;
import dev.blockstep.engine.coroutine.SchedulingPolicy;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.BackingImage;
import dev.blockstep.engine.qcow2.BackingOpener;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import java.util.List;
import java.util.function.Supplier;

/**
 * Everything a run starts from. The image is never changed: every engine works on a copy.
 *
 * @param name   the image's name for error messages
 * @param stack  the producer's layers above the qcow2 node
 * @param policy makes a fresh policy for each (re)start, so a restart replays the same choices
 * @param backing the image's backing chain, opened once and only read, or null when the image has none
 * @param job     the block job started beside the commands, or null
 * @param jobAfter how many commands qemu-io issues before the job starts (0: with the engine)
 * @param openRepair what qemu's read-write open repaired in the user's dirty image before {@code image} (the
 *                   repaired copy) was handed over, or null: a front end says so once
 */
public record Workload(HostFile image, String name, CommandSource commands, FixVariant fixAtStart,
                       Supplier<SchedulingPolicy> policy, BlockStack stack, BackingImage backing, BlockJobSpec job,
                       int jobAfter, OpenRepair openRepair) {
    public Workload {
        image = image.copy();
        if (stack == null) {
            stack = BlockStack.QEMU_IO;
        }
        if (jobAfter < 0) {
            throw new IllegalArgumentException("jobAfter " + jobAfter);
        }
    }

    /** A workload on an image that needed no repair when it was opened. */
    public Workload(HostFile image, String name, CommandSource commands, FixVariant fixAtStart,
                    Supplier<SchedulingPolicy> policy, BlockStack stack, BackingImage backing, BlockJobSpec job,
                    int jobAfter) {
        this(image, name, commands, fixAtStart, policy, stack, backing, job, jobAfter, null);
    }

    /** A workload whose job (if any) starts with the engine, before qemu-io's first command. */
    public Workload(HostFile image, String name, CommandSource commands, FixVariant fixAtStart,
                    Supplier<SchedulingPolicy> policy, BlockStack stack, BackingImage backing, BlockJobSpec job) {
        this(image, name, commands, fixAtStart, policy, stack, backing, job, 0);
    }

    /** A workload without a block job. */
    public Workload(HostFile image, String name, CommandSource commands, FixVariant fixAtStart,
                    Supplier<SchedulingPolicy> policy, BlockStack stack, BackingImage backing) {
        this(image, name, commands, fixAtStart, policy, stack, backing, null);
    }

    public Workload(HostFile image, String name, CommandSource commands, FixVariant fixAtStart,
                    Supplier<SchedulingPolicy> policy, BlockStack stack) {
        this(image, name, commands, fixAtStart, policy, stack, null);
    }

    public Workload(HostFile image, String name, List<QemuIoCommand> commands, FixVariant fixAtStart,
                    Supplier<SchedulingPolicy> policy, BlockStack stack) {
        this(image, name, CommandSource.of(commands), fixAtStart, policy, stack);
    }

    /** Opens the backing file the image names: the chain this workload carries, or a refusal without one. */
    public BackingOpener backingOpener() {
        return backing == null ? null : link -> backing;
    }

    /** qemu-io on its own BlockBackend. */
    public Workload(HostFile image, String name, List<QemuIoCommand> commands, FixVariant fixAtStart,
                    Supplier<SchedulingPolicy> policy) {
        this(image, name, commands, fixAtStart, policy, BlockStack.QEMU_IO);
    }
}
