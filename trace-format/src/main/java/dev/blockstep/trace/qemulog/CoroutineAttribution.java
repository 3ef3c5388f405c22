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
 * <li>A block job's own events: *_one_iteration runs in the job's coroutine; the others (stream_start, job state
 *     changes) run in the main loop, and so does job_completed, which is given to the job's coroutine all the same:
 *     it is where the job's run has returned.</li>
 * </ul>
 * A mirror's background operations are the job's too, named as the engine names them ({@link MirrorOps}).
 * A job's coroutine is split as the engine runs it: each request the job makes on a node of its own (see
 * {@link JobEvents}), up to the end of that request's tracked request, is the job's sub-request ("stream.cor",
 * "commit.write"); the rest is the job itself. A guest request that enters the stream's filter starts there, and
 * its request on the qcow2 node below (a write-zeroes enters as bdrv_co_pwrite_zeroes, then bdrv_co_pwritev_part)
 * stays the same instance.
 */
final class CoroutineAttribution {

    final List<CoInstance> instances = new ArrayList<>();
    /** Per log line index: its instance, or null for the main loop. */
    final CoInstance[] byLine;

    private CoroutineAttribution(int n) {
        byLine = new CoInstance[n];
    }

    static CoroutineAttribution of(List<LogLine> lines, Landmarks marks, JobEvents job) {
        CoroutineAttribution a = new CoroutineAttribution(lines.size());
        Map<String, CoInstance> live = new HashMap<>();
        String current = null;
        String qcow2Reqs = marks.reqsLockOf("qcow2");
        JobSplit split = job == null ? null : new JobSplit(job);
        Map<String, CoInstance> ops = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            LogLine l = lines.get(i);
            if (job != null && job.opLine(i)) {
                String name = job.ops().nameAt(i);
                String address = job.ops().addresses.get(name);
                CoInstance inst = ops.computeIfAbsent(name, n -> JobSplit.named(new CoInstance(address, l.line()), n,
                        a.instances));
                inst.events.add(i);
                a.byLine[i] = inst;
                live.remove(address);
                current = address;
                continue;
            }
            String co = l.ownCoroutine();
            if (split != null && i == job.endIndex()) {
                // job_completed runs in the main loop once the job's coroutine has returned: it marks that return
                CoInstance inst = split.instanceFor(l, i, a.instances);
                inst.events.add(i);
                a.byLine[i] = inst;
                continue;
            }
            if (l.kind() == LogLine.Kind.JOB) {
                co = l.event().endsWith("_one_iteration") ? current : null;
            } else if (co == null && l.isBdrvRequest()) {
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
            if (split != null && job.owns(i, co)) {
                CoInstance inst = split.instanceFor(l, i, a.instances);
                inst.events.add(i);
                a.byLine[i] = inst;
                live.remove(co);
                continue;
            }
            CoInstance inst = live.get(co);
            boolean entersFilter = job != null && l.isBdrvRequest() && l.field("bs").equals(job.filterNode());
            boolean onQcow2 = l.isBdrvRequest() && l.field("bs").equals(marks.qcow2Node);
            boolean below = onQcow2 && inst != null && (inst.enteredFilter && inst.request == null
                    || zeroesGoOn(inst.request, l));
            boolean startsRequest = entersFilter || onQcow2 && !below;
            boolean startsTracking = l.isMutexLock() && l.field("mutex").equals(qcow2Reqs) && inst != null
                    && inst.request == null && !inst.takesQcow2ReqsLock && inst.takesAnyMutex;
            if (inst == null || startsRequest || startsTracking) {
                inst = new CoInstance(co, l.line());
                live.put(co, inst);
                a.instances.add(inst);
            }
            inst.enteredFilter |= entersFilter;
            if (entersFilter && inst.entry == null) {
                inst.entry = l;
            }
            if (onQcow2 && (inst.request == null || below)) {
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

    /**
     * Hands out the job coroutine's events: to the job itself, or to the sub-request it is in. A sub-request ends
     * when its tracked request ends: the second release of the mutex it took first (that node's reqs_lock).
     */
    private static final class JobSplit {
        private final JobEvents job;
        private CoInstance self;
        private CoInstance sub;
        private String subLock;
        private int subReleases;

        JobSplit(JobEvents job) {
            this.job = job;
        }

        CoInstance instanceFor(LogLine l, int i, List<CoInstance> all) {
            if (sub == null && job.startsSubRequest(l)) {
                sub = named(new CoInstance(job.coroutine(), l.line()), job.type() + "." + job.subName(), all);
                subLock = null;
                subReleases = 0;
            }
            if (sub == null) {
                if (self == null) {
                    self = named(new CoInstance(job.coroutine(), l.line()), job.type(), all);
                }
                return self;
            }
            CoInstance p = sub;
            if (subLock == null && l.isMutexLock()) {
                subLock = l.field("mutex");
            } else if (l.event().equals("qemu_co_mutex_unlock_entry") && l.field("mutex").equals(subLock)
                    && ++subReleases == 2) {
                sub = null;
            }
            return p;
        }

        private static CoInstance named(CoInstance c, String name, List<CoInstance> all) {
            c.kind = CoInstance.Kind.JOB;
            c.name = name;
            all.add(c);
            return c;
        }
    }

    /** Whether {@code l} is the bdrv_co_pwritev_part that bdrv_co_pwrite_zeroes {@code request} goes on to. */
    private static boolean zeroesGoOn(LogLine request, LogLine l) {
        return request != null && request.event().equals("bdrv_co_pwrite_zeroes")
                && l.event().equals("bdrv_co_pwritev_part") && l.field("offset").equals(request.field("offset"))
                && l.field("bytes").equals(request.field("bytes"));
    }

    static String nextMutexSelf(List<LogLine> lines, int i) {
        for (int j = i + 1; j < lines.size(); j++) {
            if (lines.get(j).isMutex()) {
                return lines.get(j).field("self");
            }
        }
        return null;
    }
}
