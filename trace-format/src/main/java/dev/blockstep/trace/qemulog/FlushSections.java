package dev.blockstep.trace.qemulog;

import dev.blockstep.trace.QemuEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The flushes of the qcow2 node in an imported log. bdrv_co_flush has no trace event of its own; it shows as
 * reqs_lock@qcow2 traffic around the s->lock section of qcow2_co_flush_to_os, which always opens with
 * qcow2_cache_flush of the L2 cache. Every look at active_flush_req takes reqs_lock@qcow2 once: on entry, and
 * again after each wake from flush_queue (qemu_co_queue_wait drops and retakes the lock); the last look sets the
 * flag. The first reqs_lock@qcow2 after the flush has released s->lock clears the flag and wakes the next waiter.
 */
public final class FlushSections {

    /**
     * One flush.
     *
     * @param coroutine the flushing coroutine's name
     * @param attempts  event indices of its looks at active_flush_req, in order; the last one took the flag
     * @param lock      event index of its s->lock lock for qcow2_co_flush_to_os
     * @param end       event index of the reqs_lock@qcow2 lock that ends the flush, -1 if the log stops first
     */
    public record Flush(String coroutine, List<Integer> attempts, int lock, int end) {
        public Flush {
            attempts = List.copyOf(attempts);
        }

        /**
         * Whether the flusher was woken from flush_queue and found another flush running (three looks or more): a
         * coroutine its waker had woken before it, or one those woke in turn, took the flag first (qemu runs deferred
         * wake-ups depth-first).
         */
        public boolean lostTheFlagAfterAWake() {
            return attempts.size() >= 3;
        }
    }

    private FlushSections() {
    }

    public static List<Flush> of(List<QemuEvent> events) {
        Map<String, List<Integer>> byCo = new LinkedHashMap<>();
        for (int i = 0; i < events.size(); i++) {
            String co = events.get(i).coroutine();
            if (co != null) {
                byCo.computeIfAbsent(co, k -> new ArrayList<>()).add(i);
            }
        }
        List<Flush> flushes = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> e : byCo.entrySet()) {
            flushesOf(e.getKey(), e.getValue(), events, flushes);
        }
        flushes.sort((a, b) -> Integer.compare(a.lock(), b.lock()));
        return flushes;
    }

    private static void flushesOf(String co, List<Integer> mine, List<QemuEvent> events, List<Flush> out) {
        int sectionStart = 0;
        for (int k = 0; k < mine.size(); k++) {
            QemuEvent e = events.get(mine.get(k));
            if (isUnlock(e, "s->lock")) {
                sectionStart = k + 1;
                continue;
            }
            if (!isLockStart(e, "s->lock") || !opensFlushToOs(mine, k, events)) {
                continue;
            }
            List<Integer> attempts = new ArrayList<>();
            for (int a = sectionStart; a < k; a++) {
                if (isLockStart(events.get(mine.get(a)), "reqs_lock@qcow2")) {
                    attempts.add(mine.get(a));
                }
            }
            int end = endOfFlush(mine, k, events);
            out.add(new Flush(co, attempts, mine.get(k), end < 0 ? -1 : mine.get(end)));
            if (end >= 0) {
                sectionStart = end + 1;
                k = end;
            }
        }
    }

    /** Whether the coroutine's next event past the lock (and its return) is the L2 cache write of flush_to_os. */
    private static boolean opensFlushToOs(List<Integer> mine, int k, List<QemuEvent> events) {
        for (int j = k + 1; j < mine.size(); j++) {
            QemuEvent n = events.get(mine.get(j));
            if (n.event().equals("qemu_co_mutex_lock_return")) {
                continue;
            }
            return n.event().equals("qcow2_cache_flush") && n.args().contains("is_l2_cache 1");
        }
        return false;
    }

    /** Position in {@code mine} of the first reqs_lock@qcow2 lock after the flush released s->lock; -1 if none. */
    private static int endOfFlush(List<Integer> mine, int k, List<QemuEvent> events) {
        boolean released = false;
        for (int j = k + 1; j < mine.size(); j++) {
            QemuEvent n = events.get(mine.get(j));
            if (isUnlock(n, "s->lock")) {
                released = true;
            } else if (released && isLockStart(n, "reqs_lock@qcow2")) {
                return j;
            }
        }
        return -1;
    }

    private static boolean isLockStart(QemuEvent e, String mutex) {
        return (e.event().equals("qemu_co_mutex_lock_uncontended") || e.event().equals("qemu_co_mutex_lock_entry"))
                && e.args().startsWith("mutex " + mutex + " ");
    }

    private static boolean isUnlock(QemuEvent e, String mutex) {
        return e.event().equals("qemu_co_mutex_unlock_entry") && e.args().startsWith("mutex " + mutex + " ");
    }
}
