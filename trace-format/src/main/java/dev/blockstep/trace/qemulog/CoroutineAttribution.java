package dev.blockstep.trace.qemulog;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides which coroutine emitted each event, and splits addresses into coroutine instances. qemu reuses
 * coroutine objects, so an address starts a new instance when it starts a request on the qcow2 node (only the
 * BlockBackend issues those, once per request coroutine), or when a coroutine that did bookkeeping (open) takes
 * the qcow2 node's reqs_lock. A discard or flush that reuses the address of a finished request is not told apart
 * from it: with a script, the importer's matching then fails loudly instead of guessing.
 * <ul>
 * <li>Events that print {@code co} or {@code self} name it.</li>
 * <li>bdrv_co_* events print only the node; qemu goes straight on to tracked_request_begin, which takes the
 *     node's reqs_lock, so they belong to the coroutine of the next mutex event.</li>
 * <li>thread_pool_complete runs in a main-loop bottom half: no coroutine.</li>
 * <li>Everything else without a coroutine (thread_pool_submit, qcow2_l2_allocate*, stderr lines) belongs to the
 *     coroutine that was running: the one of the previous event.</li>
 * </ul>
 */
final class CoroutineAttribution {

    final List<CoInstance> instances = new ArrayList<>();
    /** Per log line index: its instance, or null for the main loop. */
    final CoInstance[] byLine;

    private CoroutineAttribution(int n) {
        byLine = new CoInstance[n];
    }

    static CoroutineAttribution of(List<LogLine> lines, Landmarks marks) {
        CoroutineAttribution a = new CoroutineAttribution(lines.size());
        Map<String, CoInstance> live = new HashMap<>();
        String current = null;
        String qcow2Reqs = marks.reqsLockOf("qcow2");
        for (int i = 0; i < lines.size(); i++) {
            LogLine l = lines.get(i);
            String co = l.ownCoroutine();
            if (co == null && l.isBdrvRequest()) {
                co = nextMutexSelf(lines, i);
                if (co == null) {
                    co = current;
                }
            } else if (co == null && !l.event().equals("thread_pool_complete")) {
                co = current;
            }
            if (co == null) {
                continue;
            }
            current = co;
            CoInstance inst = live.get(co);
            boolean startsRequest = l.isBdrvRequest() && l.field("bs").equals(marks.qcow2Node);
            boolean startsTracking = l.isMutexLock() && l.field("mutex").equals(qcow2Reqs) && inst != null
                    && inst.request == null && !inst.takesQcow2ReqsLock && inst.takesAnyMutex;
            if (inst == null || startsRequest || startsTracking) {
                inst = new CoInstance(co, l.line());
                live.put(co, inst);
                a.instances.add(inst);
            }
            if (startsRequest && inst.request == null) {
                inst.request = l;
            }
            if (l.isMutexLock()) {
                inst.takesAnyMutex = true;
                if (l.field("mutex").equals(qcow2Reqs)) {
                    inst.takesQcow2ReqsLock = true;
                }
            }
            if (inst.firstQcow2 == null && l.event().startsWith("qcow2_")) {
                inst.firstQcow2 = l;
            }
            inst.events.add(i);
            a.byLine[i] = inst;
        }
        return a;
    }

    private static String nextMutexSelf(List<LogLine> lines, int i) {
        for (int j = i + 1; j < lines.size(); j++) {
            if (lines.get(j).isMutex()) {
                return lines.get(j).field("self");
            }
        }
        return null;
    }
}
