package dev.blockstep.engine.trace;

import dev.blockstep.engine.block.CommandMap;
import dev.blockstep.engine.block.QemuIoMain;
import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.coroutine.Scheduler;
import dev.blockstep.engine.session.EngineSession;
import dev.blockstep.engine.snapshot.Step;
import dev.blockstep.trace.Command;
import dev.blockstep.trace.Trace;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the workload of an imported qemu log on the engine in the log's order. Whenever more than one coroutine can
 * step, the one whose next anchor event (see {@link QemuLogAnchors}) comes first in the log goes; qemu-io's loop
 * goes when the first event of the request it will issue next (the workload command at its command index) comes
 * first, and waits (aio_flush, quit) last.
 * After each step the stepping coroutine's position in the log moves past the first of its anchors that has the
 * step's name; steps with no counterpart in the log leave it. The session's steps are then the engine-level
 * schedule of the log, and {@link TraceRecorder} writes them as an ordinary trace.
 */
public final class QemuLogReplay {

    private static final int MAX_STEPS = 1_000_000;

    private QemuLogReplay() {
    }

    public static EngineSession run(Trace imported, Path traceDir, String name) throws TraceReplayException {
        if (imported.qemuLog() == null) {
            throw new TraceReplayException(name + ": the trace holds no qemu log");
        }
        EngineSession session = new EngineSession(TraceReplay.workload(imported, traceDir, name, Policies::fifo));
        QemuLogAnchors anchors = new QemuLogAnchors(imported.qemuLog());
        TraceNames names = TraceNames.of(imported.workload(), imported.job());
        List<Command> workload = imported.workload();
        Map<String, Integer> cursor = new HashMap<>();
        for (int n = 0; n < MAX_STEPS && !session.current().finished(); n++) {
            Scheduler s = session.engine().scheduler();
            CommandMap map = session.engine().commands();
            List<Integer> runnable = s.runnable();
            if (runnable.isEmpty()) {
                throw new TraceReplayException(name + ": step " + n + ": nothing can run, but the workload has not "
                        + "finished");
            }
            int chosen = runnable.get(0);
            long best = Long.MAX_VALUE;
            for (int id : runnable) {
                long key = key(id, s, names.name(map, s, id), anchors, cursor, workload);
                if (key < best) {
                    best = key;
                    chosen = id;
                }
            }
            Step step = session.stepCoroutine(chosen).lastStep();
            advance(names.name(map, s, chosen), logName(step), anchors, cursor);
        }
        return session;
    }

    /** @param name the trace's name of coroutine {@code id} */
    private static long key(int id, Scheduler s, String name, QemuLogAnchors anchors, Map<String, Integer> cursor,
                            List<Command> workload) {
        if (s.coroutine(id) instanceof QemuIoMain main) {
            int next = main.commandIndex();
            boolean issuesRequest = next < main.commandCount() && next < workload.size()
                    && !(workload.get(next) instanceof Command.AioFlush) && workload.get(next).coroutine() != null;
            if (!issuesRequest) {
                return Long.MAX_VALUE;
            }
            Integer first = anchors.firstEvent.get(workload.get(next).coroutine());
            // a request the log shows no event of (a discard a job's filter dropped) goes right after the one the
            // guest issued before it
            for (int before = next - 1; first == null && before >= 0; before--) {
                String co = workload.get(before).coroutine();
                first = co == null ? null : anchors.firstEvent.get(co);
            }
            return first == null ? Long.MAX_VALUE - 1 : first;
        }
        List<QemuLogAnchors.Anchor> list = anchors.byCoroutine.getOrDefault(name, List.of());
        int at = cursor.getOrDefault(name, 0);
        return at < list.size() ? list.get(at).index() : Long.MAX_VALUE - 1;
    }

    /**
     * The log event a step corresponds to. qcow2_co_flush_to_os with clean caches releases s->lock in the step that
     * took it over (nothing to write, so no yield): that step is the unlock.
     */
    private static String logName(Step step) {
        if (step.name().equals("qcow2_co_flush_to_os") && step.events().stream().anyMatch(e ->
                e instanceof dev.blockstep.engine.event.EngineEvent.LockReleased r && r.mutex().equals("s->lock"))) {
            return "qemu_co_mutex_unlock_entry";
        }
        return QemuLogAnchors.ENGINE_TO_LOG.getOrDefault(step.name(), step.name());
    }

    private static void advance(String co, String logName, QemuLogAnchors anchors, Map<String, Integer> cursor) {
        if (!QemuLogAnchors.ANCHORS.contains(logName)) {
            return;
        }
        List<QemuLogAnchors.Anchor> list = anchors.byCoroutine.getOrDefault(co, List.of());
        for (int j = cursor.getOrDefault(co, 0); j < list.size(); j++) {
            if (list.get(j).event().equals(logName)) {
                cursor.put(co, j + 1);
                return;
            }
        }
    }
}
