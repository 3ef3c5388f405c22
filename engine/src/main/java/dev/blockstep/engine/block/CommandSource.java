package dev.blockstep.engine.block;

import dev.blockstep.trace.qemuio.QemuIoCommand;
import java.util.List;

/**
 * Where qemu-io's loop reads its commands from: a list in memory, or a trace's workload streamed from disk so that
 * a run of any length keeps only the command being issued. The loop reads in order; a source may serve an earlier
 * index again only by starting over.
 */
public interface CommandSource {

    int size();

    /** Command {@code index}; indexes are asked in ascending order, each possibly more than once. */
    QemuIoCommand get(int index);

    static CommandSource of(List<QemuIoCommand> commands) {
        List<QemuIoCommand> copy = List.copyOf(commands);
        return new CommandSource() {
            @Override
            public int size() {
                return copy.size();
            }

            @Override
            public QemuIoCommand get(int index) {
                return copy.get(index);
            }
        };
    }
}
