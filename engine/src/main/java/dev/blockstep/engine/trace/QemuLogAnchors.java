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
 * qcow2_writev_data, linked to the completion by the {@code req} address. The punch of a write-zeroes
 * (qcow2_process_discards, which has no trace event of its own) is recognised as a thread_pool_submit of a coroutine
 * between its qcow2_pwrite_zeroes and its release of s->lock that no bdrv_co_preadv_part/bdrv_co_pwritev_part (a
 * metadata read or write) announced; its completion is the anchor. Metadata I/O under the lock, cache events and
 * the reqs_lock traffic have no engine step of their own, except around a flush (see {@link FlushAnchors}): which
 * flusher takes active_flush_req decides the order of the flushes, and a woken flush_queue waiter can lose the flag
 * to a newcomer, so those reqs_lock events are anchors too. The fdatasync of a file flush that qcow2's metadata
 * cache makes under s->lock (a thread_pool_submit that no bdrv_co_p*_part announced, after qcow2_cache_flush or
 * qcow2_cache_entry_flush) is the engine's file-node flush sync, and its completion is an anchor. So is the
 * completion of each cache entry write qcow2_co_flush_to_os makes (a bdrv_co_pwritev_part on the file after a
 * qcow2_cache_entry_flush, between the flush's s->lock lock and its end): the engine yields for each. A block job's
 * *_one_iteration events and its job_completed (the importer gives it to the job's coroutine) anchor the job's own
 * steps, block status and completion, which take no s->lock of the guest's node when the job is a commit.
 */
final class QemuLogAnchors {

    record Anchor(int index, String event) {
    }

    static final Set<String> ANCHORS = Set.of("qcow2_writev_start_req", "qcow2_handle_copied", "qcow2_handle_alloc",
            "qcow2_writev_data", "qcow2_pwrite_zeroes", "qcow2_pwrite_zeroes_start_req", "qcow2_cluster_link_l2",
            "qcow2_writev_done_part", "qcow2_writev_done_req", "qemu_co_mutex_lock_entry",
            "qemu_co_mutex_lock_uncontended", "qemu_co_mutex_unlock_entry", "thread_pool_complete",
            QemuLogAnchors.PUNCH, FlushAnchors.ATTEMPT, "stream_one_iteration", "commit_one_iteration",
            "job_completed", QemuLogAnchors.ENTRY_WRITTEN);

    /** The completion of one of qcow2_co_flush_to_os's cache entry writes (no trace event of its own). */
    static final String ENTRY_WRITTEN = "qcow2_cache_entry_written";

    /** The engine's punch step; the anchor sits on the punch's thread_pool_complete. */
    static final String PUNCH = "qcow2_process_discards";

    /** Engine step name to the log event it corresponds to, where the names differ. */
    static final Map<String, String> ENGINE_TO_LOG = Map.of(
            "qemu_co_mutex_unlock", "qemu_co_mutex_unlock_entry",
            "qemu_co_mutex_lock", "qemu_co_mutex_lock_uncontended",
            // the flush releases s->lock in the step that starts the file's sync
            "bdrv_co_flush (file)", "qemu_co_mutex_unlock_entry",
            // a job's run returns, and the main loop completes it
            "stream_prepare", "job_completed",
            // the step after one of flush_to_os's entry writes yielded
            "qcow2_cache_entry_flush", ENTRY_WRITTEN,
            "commit_prepare", "job_completed",
            // a read releases s->lock in the step that looks its clusters up; without this its anchors stay at the
            // unlock, and two mirror ops' reads went on in the order they took the lock (mirror-hmp-b)
            "qcow2_co_preadv_part", "qemu_co_mutex_unlock_entry");

    final Map<String, List<Anchor>> byCoroutine = new HashMap<>();
    /** Index of each coroutine's first event. */
    final Map<String, Integer> firstEvent = new HashMap<>();

    QemuLogAnchors(QemuLog log) {
        List<QemuEvent> events = log.events();
        Map<String, String> dataSubmitter = new HashMap<>();
        Map<String, Boolean> awaitingDataSubmit = new HashMap<>();
        Map<String, String> punchSubmitter = new HashMap<>();
        Map<String, Boolean> zeroing = new HashMap<>();
        Map<String, Boolean> fileIoAnnounced = new HashMap<>();
        Map<String, String> cacheSyncSubmitter = new HashMap<>();
        Map<String, Boolean> holdsLock = new HashMap<>();
        Map<String, Boolean> inCacheFlush = new HashMap<>();
        Map<String, List<int[]>> flushToOs = new HashMap<>();
        for (dev.blockstep.trace.qemulog.FlushSections.Flush f : dev.blockstep.trace.qemulog.FlushSections.of(events)) {
            flushToOs.computeIfAbsent(f.coroutine(), k -> new ArrayList<>())
                    .add(new int[] {f.lock(), f.end() < 0 ? Integer.MAX_VALUE : f.end()});
        }
        Map<String, Integer> entryWritesDue = new HashMap<>();
        Map<String, String> entryWriter = new HashMap<>();
        for (int i = 0; i < events.size(); i++) {
            QemuEvent e = events.get(i);
            String co = e.coroutine();
            if (co != null) {
                firstEvent.putIfAbsent(co, i);
            }
            if (e.event().equals("thread_pool_submit") && co != null && awaitingDataSubmit.getOrDefault(co, false)) {
                dataSubmitter.put(arg(e.args(), "req"), co);
                awaitingDataSubmit.put(co, false);
                fileIoAnnounced.put(co, false);
                continue;
            }
            if (co != null && (e.event().equals("bdrv_co_preadv_part") || e.event().equals("bdrv_co_pwritev_part"))) {
                fileIoAnnounced.put(co, true);
            }
            if (co != null && e.event().equals("qcow2_cache_entry_flush") && within(flushToOs.get(co), i)) {
                entryWritesDue.merge(co, 1, Integer::sum);
            }
            if (co != null && e.event().startsWith("qcow2_cache_")) {
                inCacheFlush.put(co, e.event().equals("qcow2_cache_flush")
                        || e.event().equals("qcow2_cache_entry_flush"));
            }
            if (co != null && e.args().startsWith("mutex s->lock ")) {
                if (e.event().equals("qemu_co_mutex_unlock_entry")) {
                    holdsLock.put(co, false);
                } else if (e.event().equals("qemu_co_mutex_lock_uncontended")
                        || e.event().equals("qemu_co_mutex_lock_return")) {
                    holdsLock.put(co, true);
                }
            }
            if (e.event().equals("thread_pool_submit") && co != null) {
                boolean unannounced = !fileIoAnnounced.getOrDefault(co, false);
                if (!unannounced && entryWritesDue.getOrDefault(co, 0) > 0) {
                    entryWritesDue.merge(co, -1, Integer::sum);
                    entryWriter.put(arg(e.args(), "req"), co);
                }
                if (unannounced && holdsLock.getOrDefault(co, false) && inCacheFlush.getOrDefault(co, false)) {
                    cacheSyncSubmitter.put(arg(e.args(), "req"), co);
                } else if (zeroing.getOrDefault(co, false) && unannounced) {
                    punchSubmitter.put(arg(e.args(), "req"), co);
                }
                fileIoAnnounced.put(co, false);
                continue;
            }
            if (e.event().equals("thread_pool_complete")) {
                String req = arg(e.args(), "req");
                String submitter = dataSubmitter.remove(req);
                if (submitter != null) {
                    add(submitter, i, e.event());
                }
                String syncer = cacheSyncSubmitter.remove(req);
                if (syncer != null) {
                    add(syncer, i, e.event());
                }
                String writer = entryWriter.remove(req);
                if (writer != null) {
                    add(writer, i, ENTRY_WRITTEN);
                }
                String puncher = punchSubmitter.remove(req);
                if (puncher != null) {
                    add(puncher, i, PUNCH);
                }
                continue;
            }
            if (co != null && e.event().equals("qcow2_pwrite_zeroes")) {
                zeroing.put(co, true);
            }
            if (co != null && e.event().equals("qemu_co_mutex_unlock_entry") && e.args().startsWith("mutex s->lock ")) {
                zeroing.put(co, false);
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
        FlushAnchors.find(events, this::add);
        for (List<Anchor> list : byCoroutine.values()) {
            list.sort(java.util.Comparator.comparingInt(Anchor::index));
        }
    }

    /** Whether event {@code i} lies in one of the ranges (a flush's s->lock lock to its end). */
    private static boolean within(List<int[]> ranges, int i) {
        if (ranges != null) {
            for (int[] r : ranges) {
                if (i > r[0] && i < r[1]) {
                    return true;
                }
            }
        }
        return false;
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
