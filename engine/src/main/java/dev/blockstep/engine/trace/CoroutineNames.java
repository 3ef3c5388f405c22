package dev.blockstep.engine.trace;

import dev.blockstep.engine.block.QemuIoMain;
import dev.blockstep.engine.block.RequestCoroutine;
import dev.blockstep.engine.coroutine.Coroutine;
import dev.blockstep.engine.coroutine.Scheduler;
import dev.blockstep.trace.Command;
import dev.blockstep.trace.Trace;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Engine coroutine ids and trace coroutine names. qemu-io's command loop is {@code main}. Each request coroutine
 * knows the index of the workload command it runs ({@link RequestCoroutine#commandIndex()}; the engine's command
 * list is the workload, one to one), so a command qemu-io refused without starting a coroutine shifts nothing;
 * each pairing is still checked against the coroutine's own qemu-io line.
 */
final class CoroutineNames {

    private final List<Command> workload;
    private final Map<Integer, String> byId = new HashMap<>();
    private final Map<String, Integer> byName = new HashMap<>();
    private int scanned;

    CoroutineNames(List<Command> workload) {
        this.workload = List.copyOf(workload);
    }

    /** Names every coroutine spawned since the last call. */
    void update(Scheduler s) throws TraceReplayException {
        List<Coroutine> all = s.coroutines();
        for (; scanned < all.size(); scanned++) {
            Coroutine co = all.get(scanned);
            String name;
            if (co instanceof QemuIoMain) {
                name = Trace.MAIN_COROUTINE;
            } else if (co instanceof RequestCoroutine r && r.commandIndex() >= 0
                    && r.commandIndex() < workload.size() && workload.get(r.commandIndex()).coroutine() != null) {
                Command cmd = workload.get(r.commandIndex());
                String line = IssuedCommands.toQemuIo(cmd).toLine();
                if (!line.equals(r.request())) {
                    throw new TraceReplayException("coroutine " + co.name() + " runs \"" + r.request()
                            + "\", but workload command " + (r.commandIndex() + 1) + " (" + cmd.coroutine() + ") is \""
                            + line + "\"");
                }
                name = cmd.coroutine();
            } else {
                throw new TraceReplayException("the engine started coroutine " + co.name()
                        + ", which runs no command of the workload");
            }
            byId.put(co.id(), name);
            byName.put(name, co.id());
        }
    }

    String name(int id) {
        return byId.get(id);
    }

    /** The id of a named coroutine, or -1 when it has not been spawned yet. */
    int id(String name) {
        return byName.getOrDefault(name, -1);
    }

    List<String> names(List<Integer> ids) {
        return ids.stream().map(byId::get).toList();
    }
}
