package dev.blockstep.trace.qemulog;

import dev.blockstep.trace.importer.ImportException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the qcow2 node, the file node, {@code s->lock} and each node's {@code reqs_lock} in a log. The log only
 * prints addresses, so each is identified by what qemu does right around it:
 * <ul>
 * <li>the qcow2 node is the {@code bs} of a bdrv_co_pwritev_part whose next qcow2 event is
 *     qcow2_writev_start_req or qcow2_pwrite_zeroes_start_req for the same range; every other node is a
 *     lower one, and the one that reads the qcow2 header (offset 0) at open is the file node;</li>
 * <li>a node's reqs_lock is the mutex taken right after a bdrv_co_* event on that node
 *     (tracked_request_begin);</li>
 * <li>s->lock is the mutex the same coroutine takes first after qcow2_writev_start_part or
 *     qcow2_pwrite_zeroes_start_req.</li>
 * </ul>
 */
final class Landmarks {

    String qcow2Node;
    String fileNode;
    String sLock;
    /** mutex address to its symbol ("s->lock", "reqs_lock@qcow2", ...). */
    final Map<String, String> mutexes = new LinkedHashMap<>();
    /** node address to its symbol ("qcow2", "file", "node2"...). */
    final Map<String, String> nodes = new LinkedHashMap<>();
    final List<String> notes = new ArrayList<>();
    private JobEvents job;

    /**
     * Finds the landmarks. {@code node} (an address, or null) picks the qcow2 node among several with write
     * traffic; without it, a log with more than one is refused with the candidates. The writes of {@code job}'s
     * coroutine (null: no job), a commit's into its base, are not the guest's, so they neither pick the qcow2 node
     * nor show its s->lock; nor do a mirror's target's, which a write-blocking mirror's guest writes also reach.
     */
    static Landmarks find(List<LogLine> lines, String node, String source, JobEvents job) throws ImportException {
        Landmarks l = new Landmarks();
        l.job = job;
        l.pickQcow2Node(lines, node, source);
        l.findFileNode(lines);
        l.findSLock(lines);
        l.findReqsLocks(lines);
        return l;
    }

    private void pickQcow2Node(List<LogLine> lines, String wanted, String source) throws ImportException {
        // node address -> the first write that shows it is a qcow2 node, and how many writes it took
        Map<String, LogLine[]> evidence = new LinkedHashMap<>();
        Map<String, Integer> writes = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            LogLine b = lines.get(i);
            if (!b.event().equals("bdrv_co_pwritev_part") || jobs(i, CoroutineAttribution.nextMutexSelf(lines, i))
                    || job != null && job.ops() != null && b.field("bs").equals(job.ops().targetNode)) {
                continue;
            }
            LogLine next = nextQcow2(lines, i);
            if (next != null && (next.event().equals("qcow2_writev_start_req")
                    || next.event().equals("qcow2_pwrite_zeroes_start_req"))
                    && LogLineParser.number(next.field("offset")) == LogLineParser.number(b.field("offset"))
                    && LogLineParser.number(next.field("bytes")) == LogLineParser.number(b.field("bytes"))) {
                evidence.putIfAbsent(b.field("bs"), new LogLine[] {b, next});
                writes.merge(b.field("bs"), 1, Integer::sum);
            }
        }
        String chosen;
        if (wanted != null) {
            if (!evidence.containsKey(wanted)) {
                throw new ImportException(source, lines.get(0).line(), "expected --node to name a qcow2 node with "
                        + "write traffic in the log, got " + wanted + " (candidates: " + candidates(writes) + ")");
            }
            chosen = wanted;
        } else if (evidence.size() > 1) {
            throw new ImportException(source, lines.get(0).line(), "expected one qcow2 node with write traffic, "
                    + "found " + evidence.size() + ": " + candidates(writes) + "; pick one with --node=ADDRESS");
        } else {
            chosen = evidence.isEmpty() ? null : evidence.keySet().iterator().next();
        }
        if (chosen != null) {
            LogLine[] e = evidence.get(chosen);
            qcow2Node = chosen;
            notes.add("qcow2 node = bs " + qcow2Node + ": bdrv_co_pwritev_part at line " + e[0].line()
                    + " is followed by " + e[1].event() + " for the same range at line " + e[1].line()
                    + (wanted != null ? " (picked by --node among " + candidates(writes) + ")" : ""));
        }
        if (qcow2Node == null) {
            findQcow2NodeWithoutWrites(lines);
        }
        if (qcow2Node != null) {
            nodes.put(qcow2Node, "qcow2");
        }
    }

    /**
     * A log without guest writes: opening the image reads the qcow2 header through the file node first (offset 0,
     * 112 bytes for a version 3 header), so the first node that is not that one is the qcow2 node.
     */
    private void findQcow2NodeWithoutWrites(List<LogLine> lines) {
        String file = null;
        long headerLine = 0;
        for (LogLine b : lines) {
            if (!b.isBdrvRequest()) {
                continue;
            }
            if (file == null) {
                if (!b.event().equals("bdrv_co_preadv_part") || LogLineParser.number(b.field("offset")) != 0) {
                    return;
                }
                file = b.field("bs");
                headerLine = b.line();
            } else if (!b.field("bs").equals(file)) {
                qcow2Node = b.field("bs");
                notes.add("qcow2 node = bs " + qcow2Node + ": the log has no guest write; the first bdrv_co_* "
                        + "event, the header read at line " + headerLine + ", is on the file node, "
                        + "and line " + b.line() + " is the first request on another node");
                return;
            }
        }
    }

    private void findFileNode(List<LogLine> lines) {
        for (LogLine b : lines) {
            if (b.isBdrvRequest() && !b.field("bs").equals(qcow2Node) && !nodes.containsKey(b.field("bs"))) {
                String name = fileNode == null ? "file" : "node" + nodes.size();
                if (fileNode == null) {
                    fileNode = b.field("bs");
                    notes.add("file node = bs " + fileNode + ": first request on a node other than the qcow2 node, "
                            + b.event() + " offset " + b.field("offset") + " at line " + b.line());
                }
                nodes.put(b.field("bs"), name);
            }
        }
    }

    private void findSLock(List<LogLine> lines) {
        for (int i = 0; i < lines.size() && sLock == null; i++) {
            LogLine s = lines.get(i);
            if (!s.event().equals("qcow2_writev_start_part") && !s.event().equals("qcow2_pwrite_zeroes_start_req")
                    || jobs(i, s.field("co"))) {
                continue;
            }
            String co = s.field("co");
            for (int j = i + 1; j < lines.size(); j++) {
                LogLine m = lines.get(j);
                if (m.isMutexLock() && co.equals(m.field("self"))) {
                    sLock = m.field("mutex");
                    mutexes.put(sLock, "s->lock");
                    notes.add("s->lock = mutex " + sLock + ": co " + co + " takes it at line " + m.line()
                            + " right after " + s.event() + " at line " + s.line());
                    break;
                }
            }
        }
    }

    private void findReqsLocks(List<LogLine> lines) {
        for (int i = 0; i + 1 < lines.size(); i++) {
            LogLine b = lines.get(i);
            LogLine m = lines.get(i + 1);
            if (b.isBdrvRequest() && m.isMutexLock() && !mutexes.containsKey(m.field("mutex"))) {
                String node = nodes.get(b.field("bs"));
                mutexes.put(m.field("mutex"), "reqs_lock@" + node);
                notes.add("reqs_lock@" + node + " = mutex " + m.field("mutex") + ": taken at line " + m.line()
                        + " right after " + b.event() + " on that node (tracked_request_begin)");
            }
        }
        int other = 0;
        for (LogLine m : lines) {
            if (m.isMutex() && !mutexes.containsKey(m.field("mutex"))) {
                mutexes.put(m.field("mutex"), "mutex" + other++);
            }
        }
    }

    private boolean jobs(int i, String co) {
        return job != null && (job.opLine(i) || co != null && job.owns(i, co));
    }

    private static String candidates(Map<String, Integer> writes) {
        if (writes.isEmpty()) {
            return "none";
        }
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Integer> e : writes.entrySet()) {
            b.append(b.length() == 0 ? "" : ", ").append(e.getKey()).append(" (").append(e.getValue())
                    .append(e.getValue() == 1 ? " write)" : " writes)");
        }
        return b.toString();
    }

    /** The next qcow2_* event after index i, skipping mutex and thread-pool events; null if none. */
    static LogLine nextQcow2(List<LogLine> lines, int i) {
        for (int j = i + 1; j < lines.size(); j++) {
            LogLine n = lines.get(j);
            if (n.event().startsWith("qcow2_")) {
                return n;
            }
            if (n.isBdrvRequest()) {
                return null;
            }
        }
        return null;
    }

    String reqsLockOf(String nodeSymbol) {
        for (Map.Entry<String, String> e : mutexes.entrySet()) {
            if (e.getValue().equals("reqs_lock@" + nodeSymbol)) {
                return e.getKey();
            }
        }
        return null;
    }
}
