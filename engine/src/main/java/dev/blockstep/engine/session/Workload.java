package dev.blockstep.engine.session;

import dev.blockstep.engine.coroutine.SchedulingPolicy;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import java.util.List;
import java.util.function.Supplier;

/**
 * Everything a run starts from. The image is never changed: every engine works on a copy.
 *
 * @param name   the image's name for error messages
 * @param policy makes a fresh policy for each (re)start, so a restart replays the same choices
 */
public record Workload(HostFile image, String name, List<QemuIoCommand> commands, boolean fixAtStart,
                       Supplier<SchedulingPolicy> policy) {
    public Workload {
        commands = List.copyOf(commands);
        image = image.copy();
    }
}
