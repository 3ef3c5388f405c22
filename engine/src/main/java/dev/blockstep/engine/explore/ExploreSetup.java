package dev.blockstep.engine.explore;

import dev.blockstep.engine.block.BlockJobSpec;
import dev.blockstep.engine.block.BlockStack;
import dev.blockstep.engine.block.CommandSource;
import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.BackingImage;
import dev.blockstep.engine.session.Engine;
import dev.blockstep.engine.session.Workload;
import dev.blockstep.trace.Producer;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import java.util.ArrayList;
import java.util.List;

/**
 * What every explored run starts from: the image after the serial setup (opened by the qcow2 driver under
 * {@code name}), the concurrent commands
 * with their producers, and the fix variant. Each run gets a fresh engine on a copy of the image.
 *
 * @param producers one per command (aio_flush included), who issued it
 * @param stack     the layers above the qcow2 node (qemu-io's BlockBackend, a drive's, an NBD export)
 * @param backing   the image's backing chain, only read, or null
 * @param job       the block job every run starts beside the commands, or null
 * @param jobAfter  how many commands qemu-io issues before the job starts
 */
public record ExploreSetup(String name, HostFile image, List<QemuIoCommand> commands, List<Producer> producers,
                           FixVariant fix, BlockStack stack, BackingImage backing, BlockJobSpec job, int jobAfter) {

    public ExploreSetup(String name, HostFile image, List<QemuIoCommand> commands, List<Producer> producers,
                        FixVariant fix, BlockStack stack, BackingImage backing, BlockJobSpec job) {
        this(name, image, commands, producers, fix, stack, backing, job, 0);
    }

    public ExploreSetup(String name, HostFile image, List<QemuIoCommand> commands, List<Producer> producers,
                        FixVariant fix, BlockStack stack, BackingImage backing) {
        this(name, image, commands, producers, fix, stack, backing, null);
    }

    public ExploreSetup(String name, HostFile image, List<QemuIoCommand> commands, List<Producer> producers,
                        FixVariant fix, BlockStack stack) {
        this(name, image, commands, producers, fix, stack, null);
    }

    public ExploreSetup(String name, HostFile image, List<QemuIoCommand> commands, List<Producer> producers,
                        FixVariant fix) {
        this(name, image, commands, producers, fix, BlockStack.QEMU_IO);
    }

    public ExploreSetup {
        commands = List.copyOf(commands);
        producers = List.copyOf(producers);
        if (producers.size() != commands.size()) {
            throw new IllegalArgumentException(producers.size() + " producers for " + commands.size() + " commands");
        }
        image = image.copy();
        // every run's engine copies this image, page hashes included: hashed once here, not once per run
        image.hashPages();
        if (stack == null) {
            stack = BlockStack.QEMU_IO;
        }
    }

    public static ExploreSetup guestOnly(String name, HostFile image, List<QemuIoCommand> commands, FixVariant fix) {
        List<Producer> p = new ArrayList<>();
        commands.forEach(c -> p.add(Producer.GUEST));
        return new ExploreSetup(name, image, commands, p, fix);
    }

    public ExploreSetup withFix(FixVariant v) {
        return new ExploreSetup(name, image, commands, producers, v, stack, backing, job, jobAfter);
    }

    public ExploreSetup withCommands(List<QemuIoCommand> cmds, List<Producer> prods) {
        return new ExploreSetup(name, image, cmds, prods, fix, stack, backing, job, jobAfter);
    }

    /** A fresh engine; the caller chooses every step, so the policy is never asked. */
    public Engine newEngine() {
        return new Engine(new Workload(image, name, CommandSource.of(commands), fix, Policies::fifo, stack, backing, job,
                jobAfter));
    }

}
