package dev.blockstep.engine.trace;

import dev.blockstep.engine.block.QemuIoMain;
import dev.blockstep.engine.block.RequestCoroutine;
import dev.blockstep.engine.coroutine.Coroutine;
import dev.blockstep.engine.coroutine.Scheduler;
import dev.blockstep.trace.Command;
import dev.blockstep.trace.Trace;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Engine coroutine ids and trace coroutine names. qemu-io's command loop is {@code main}. Its request
 * coroutines are spawned in command order, one per request command, so the k-th request coroutine runs the
 * k-th workload command that names a coroutine; each pairing is checked against the coroutine's own qemu-io
 * line, so a mismatch is an error rather than a silent mislabel.
 */
final class CoroutineNames {

    private final List<Command> requests = new ArrayList<>();
    private final Map<Integer, String> byId = new HashMap<>();
    private final Map<String, Integer> byName = new HashMap<>();
    private int nextRequest;
    private int scanned;

    CoroutineNames(List<Command> workload) {
        for (Command c : workload) {
            if (c.coroutine() != null && !(c instanceof Command.AioFlush)) {
                requests.add(c);
            }
        }
    }

    /** Names every coroutine spawned since the last call. */
    void update(Scheduler s) throws TraceReplayException {
        List<Coroutine> all = s.coroutines();
        for (; scanned < all.size(); scanned++) {
            Coroutine co = all.get(scanned);
            String name;
            if (co instanceof QemuIoMain) {
                name = Trace.MAIN_COROUTINE;
            } else if (co instanceof RequestCoroutine r && nextRequest < requests.size()) {
                Command cmd = requests.get(nextRequest++);
                String line = IssuedCommands.toQemuIo(cmd).toLine();
                if (!line.equals(r.request())) {
                    throw new TraceReplayException("coroutine " + co.name() + " runs \"" + r.request()
                            + "\", but the workload's next request " + cmd.coroutine() + " is \"" + line + "\"");
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
