package dev.blockstep.engine.session;

import dev.blockstep.engine.block.CommandSource;
import dev.blockstep.engine.block.BlockNode;
import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.coroutine.SchedulingPolicy;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import java.util.List;

/**
 * Runs a qemu-io script to the end without a debugger: what {@code blockstep io} does. Without a seed the
 * order is FIFO; with one, every open choice is a seeded random draw.
 *
 * @param stdout what qemu-io prints on completion of each request, in completion order
 * @param output both, interleaved in the order printed
 * @param stderr what qemu prints to stderr, e.g. "qcow2_free_clusters failed: Invalid argument"
 * @param file   the host file at the end
 * @param steps  engine steps taken
 * @param stuck  true when requests were left that could never run (a deadlock; qemu would hang)
 */
public record ScriptRun(List<String> stdout, List<String> stderr, List<BlockNode.OutputLine> output, HostFile file,
                        int steps, boolean stuck) {

    public static ScriptRun run(HostFile image, String name, List<QemuIoCommand> commands, FixVariant fix, Long seed) {
        return run(image, null, name, commands, fix, seed);
    }

    /** As above, on an image over the backing chain {@code backing} (null for none). */
    public static ScriptRun run(HostFile image, dev.blockstep.engine.qcow2.BackingImage backing, String name,
                                List<QemuIoCommand> commands, FixVariant fix, Long seed) {
        SchedulingPolicy p = seed == null ? Policies.fifo() : Policies.seededRandom(seed);
        Engine e = new Engine(new Workload(image, name, CommandSource.of(commands), fix, () -> p,
                dev.blockstep.engine.block.BlockStack.QEMU_IO, backing));
        int steps = e.runToEnd();
        return new ScriptRun(e.node().stdoutLines(), e.node().stderrLines(), e.node().output(), e.file(), steps,
                e.stuck());
    }
}
