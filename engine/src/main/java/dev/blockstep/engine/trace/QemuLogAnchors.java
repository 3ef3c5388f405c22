package dev.blockstep.engine.trace;

import dev.blockstep.trace.QemuEvent;
import dev.blockstep.trace.QemuLog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The events of an imported qemu log that have an engine step as counterpart ("anchors"), per coroutine, in log
 * order. Only events on {@code s->lock} count among the mutex events, and a thread_pool_complete counts for the
 * coroutine whose data I/O it completes: the first thread_pool_submit of that coroutine after its
 * qcow2_writev_data, linked to the completion by the {@code req} address. Metadata I/O under the lock, cache
 * events and the reqs_lock traffic have no engine step of their own.
 */
final class QemuLogAnchors {

    record Anchor(int index, String event) {
    }

    static final Set<String> ANCHORS = Set.of("qcow2_writev_start_req", "qcow2_handle_copied", "qcow2_handle_alloc",
            "qcow2_writev_data", "qcow2_pwrite_zeroes", "qcow2_pwrite_zeroes_start_req", "qcow2_cluster_link_l2",
            "qcow2_writev_done_part", "qcow2_writev_done_req", "qemu_co_mutex_lock_entry",
            "qemu_co_mutex_lock_uncontended", "qemu_co_mutex_unlock_entry", "thread_pool_complete");

    /** Engine step name to the log event it corresponds to, where the names differ. */
    static final Map<String, String> ENGINE_TO_LOG = Map.of(
            "qemu_co_mutex_unlock", "qemu_co_mutex_unlock_entry",
            "qemu_co_mutex_lock", "qemu_co_mutex_lock_uncontended");

    final Map<String, List<Anchor>> byCoroutine = new HashMap<>();
    /** Index of each coroutine's first event. */
    final Map<String, Integer> firstEvent = new HashMap<>();

    QemuLogAnchors(QemuLog log) {
        List<QemuEvent> events = log.events();
        Map<String, String> dataSubmitter = new HashMap<>();
        Map<String, Boolean> awaitingDataSubmit = new HashMap<>();
        for (int i = 0; i < events.size(); i++) {
            QemuEvent e = events.get(i);
            String co = e.coroutine();
            if (co != null) {
                firstEvent.putIfAbsent(co, i);
            }
            if (e.event().equals("thread_pool_submit") && co != null && awaitingDataSubmit.getOrDefault(co, false)) {
                dataSubmitter.put(arg(e.args(), "req"), co);
                awaitingDataSubmit.put(co, false);
                continue;
            }
            if (e.event().equals("thread_pool_complete")) {
                String submitter = dataSubmitter.remove(arg(e.args(), "req"));
                if (submitter != null) {
                    add(submitter, i, e.event());
                }
                continue;
            }
            if (co == null || !ANCHORS.contains(e.event())) {
                continue;
            }
            if (e.event().startsWith("qemu_co_mutex_") && !e.args().startsWith("mutex s->lock ")) {
                continue;
            }
            if (e.event().equals("qcow2_writev_data")) {
                awaitingDataSubmit.put(co, true);
            }
            add(co, i, e.event());
        }
    }

    private void add(String co, int index, String event) {
        byCoroutine.computeIfAbsent(co, k -> new ArrayList<>()).add(new Anchor(index, event));
    }

    static String arg(String args, String key) {
        String[] w = args.split(" ");
        for (int i = 0; i + 1 < w.length; i++) {
            if (w[i].equals(key)) {
                return w[i + 1];
            }
        }
        return "";
    }
}
