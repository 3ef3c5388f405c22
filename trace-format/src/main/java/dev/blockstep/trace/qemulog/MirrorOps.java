package dev.blockstep.trace.qemulog;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The background operations of a mirror (blockdev-mirror, or an active commit, which qemu runs as a mirror) in a
 * log, and which line of the log is each one's. qemu 7.2's mirror_perform starts each op as a coroutine of its own
 * and enters it at once, so the ops appear in the log in the order the job launched them:
 * <ul>
 * <li>a copy op (mirror_co_read) prints mirror_one_iteration, then reads the source below mirror_top and writes
 *     what it read to the target through the job's BlockBackend;</li>
 * <li>a zero op (mirror_co_zero) prints nothing of its own: its first event is its write on the target node;</li>
 * <li>each ends with mirror_iteration_done, printed in its own coroutine.</li>
 * </ul>
 * The target node is the first qcow2 node other than the source that a write in the job's window starts a qcow2
 * request on (bdrv_co_pwritev_part, then qcow2_writev_start_req or qcow2_pwrite_zeroes_start_req for the same
 * range). With copy-mode write-blocking a guest write that passed mirror_top writes the target itself after the
 * source (do_sync_target_write, in the guest's coroutine): that write stays the guest's.
 *
 * <p>The lines get the engine's names: the op itself ({@code mirror.op3}) for its first line, then its request on
 * the source ({@code mirror.op3.read}), on the target ({@code mirror.op3.write}), or its zero write there
 * ({@code mirror.op3.zero}): the engine runs each such request as a coroutine the op waits for.
 */
final class MirrorOps {

    /** The target node's address, or null when no op wrote it. */
    final String targetNode;
    /** Per log line index: the engine's name of the op instance it belongs to, or null. */
    private final String[] names;
    /** Each op instance's coroutine address, by its name. */
    final Map<String, String> addresses;
    final int count;

    private MirrorOps(String targetNode, String[] names, Map<String, String> addresses, int count) {
        this.targetNode = targetNode;
        this.names = names;
        this.addresses = addresses;
        this.count = count;
    }

    /** The name of the op instance line {@code i} belongs to, or null when it is no op's. */
    String nameAt(int i) {
        return names[i];
    }

    /**
     * Reads the ops of the job {@code job} (its address), whose events run from line index {@code start} to
     * {@code end}, on source node {@code source}; {@code type} names them ("mirror", or "commit" for an active
     * commit).
     */
    static MirrorOps of(List<LogLine> lines, int start, int end, String job, String source, String target,
                        String type, String mirrorTop) {
        String[] names = new String[lines.size()];
        // guest requests that passed a write-blocking mirror_top and have not yet written the target themselves
        java.util.Set<String> activeWrites = new java.util.HashSet<>();
        Map<String, String[]> active = new HashMap<>();
        Map<String, String> addresses = new HashMap<>();
        String current = null;
        int n = 0;
        for (int i = start + 1; i < end; i++) {
            LogLine l = lines.get(i);
            if (l.event().equals("mirror_one_iteration") && job.equals(l.field("s"))) {
                String co = CoroutineAttribution.nextMutexSelf(lines, i);
                String op = type + ".op" + n++;
                active.put(co, new String[] {op, "read"});
                names[i] = op;
                addresses.put(op, co);
                addresses.put(op + ".read", co);
                current = co;
                continue;
            }
            String co = coroutineOf(l, lines, i, current);
            if (l.event().equals("mirror_iteration_done") && job.equals(l.field("s"))) {
                String[] op = current == null ? null : active.remove(current);
                if (op != null) {
                    names[i] = op[0] + "." + op[1];
                }
                continue;
            }
            if (co == null) {
                continue;
            }
            current = co;
            String[] op = active.get(co);
            if (mirrorTop != null && l.isBdrvRequest() && l.field("bs").equals(mirrorTop) && op == null) {
                activeWrites.add(co);
            }
            if (l.event().equals("bdrv_co_pwritev_part") && l.field("bs").equals(target)) {
                if (op == null && activeWrites.remove(co)) {
                    continue;
                }
                if (op == null) {
                    String name = type + ".op" + n++;
                    active.put(co, new String[] {name, "zero"});
                    names[i] = name;
                    addresses.put(name, co);
                    addresses.put(name + ".zero", co);
                    continue;
                }
                if (op[1].equals("read")) {
                    op[1] = "write";
                    addresses.put(op[0] + ".write", co);
                }
            }
            if (op != null) {
                names[i] = op[0] + "." + op[1];
            }
        }
        return new MirrorOps(target, names, addresses, n);
    }

    /** The coroutine that printed line {@code i} (as {@link CoroutineAttribution} decides it), or null. */
    private static String coroutineOf(LogLine l, List<LogLine> lines, int i, String current) {
        if (l.kind() == LogLine.Kind.JOB || l.event().equals("thread_pool_complete")) {
            return null;
        }
        String co = l.ownCoroutine();
        if (co == null && l.isBdrvRequest()) {
            co = CoroutineAttribution.nextMutexSelf(lines, i);
        }
        return co != null ? co : current;
    }

    /**
     * The target node: the first qcow2 node other than the source that a write in the job's window starts a qcow2
     * request on; null when none does.
     */
    static String target(List<LogLine> lines, int start, int end, String source) {
        for (int i = start + 1; i < end; i++) {
            LogLine b = lines.get(i);
            if (!b.event().equals("bdrv_co_pwritev_part") || b.field("bs").equals(source)) {
                continue;
            }
            LogLine next = Landmarks.nextQcow2(lines, i);
            if (next != null && (next.event().equals("qcow2_writev_start_req")
                    || next.event().equals("qcow2_pwrite_zeroes_start_req"))
                    && next.field("offset") != null
                    && LogLineParser.number(next.field("offset")) == LogLineParser.number(b.field("offset"))) {
                return b.field("bs");
            }
        }
        return null;
    }
}
