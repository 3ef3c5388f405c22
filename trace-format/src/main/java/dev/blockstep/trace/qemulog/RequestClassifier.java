package dev.blockstep.trace.qemulog;

import dev.blockstep.trace.qemulog.CoInstance.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * Says what each coroutine instance was. A guest request takes the qcow2 node's reqs_lock (tracked_request_begin,
 * or the flush generation counter); reads and writes also print a bdrv_co_* event on the qcow2 node. Of the
 * others, a flush starts with qcow2_cache_flush, a discard does not. A coroutine that prints qcow2 events but
 * never takes a mutex is the main loop's leader (qcow2_close); the flush just before it is bdrv_close's.
 */
final class RequestClassifier {

    private RequestClassifier() {
    }

    static List<CoInstance> classify(List<CoInstance> all, List<LogLine> lines, Landmarks marks,
                                     List<String> inferred) {
        boolean requestSeen = false;
        for (CoInstance c : all) {
            if (c.kind == Kind.JOB) {
                continue;
            }
            if (c.request != null) {
                c.kind = c.request.event().equals("bdrv_co_preadv_part") ? Kind.READ : Kind.WRITE;
            } else if (c.takesQcow2ReqsLock) {
                c.kind = c.firstQcow2 != null && c.firstQcow2.event().equals("qcow2_cache_flush")
                        ? Kind.FLUSH : Kind.DISCARD;
            } else if (!c.takesAnyMutex && c.firstQcow2 != null) {
                c.kind = Kind.MAIN;
            } else {
                c.kind = requestSeen ? Kind.INTERNAL : Kind.OPEN;
            }
            requestSeen |= c.isRequest();
        }
        markClose(all, lines, inferred);
        List<CoInstance> requests = new ArrayList<>();
        int internal = 0;
        int open = 0;
        int main = 0;
        for (CoInstance c : all) {
            if (c.isRequest()) {
                c.name = prefix(c) + requests.size();
                requests.add(c);
                LogLine first = lines.get(c.first());
                inferred.add(c.name + " = co " + c.address + ": a " + c.kind.name().toLowerCase() + " request, "
                        + evidence(c, first));
            } else if (c.kind != Kind.JOB) {
                c.name = switch (c.kind) {
                    case OPEN -> open++ == 0 ? "open" : "open" + (open - 1);
                    case MAIN -> main++ == 0 ? "main" : "main" + (main - 1);
                    case CLOSE -> "close";
                    default -> "internal" + internal++;
                };
            }
        }
        return requests;
    }

    private static String evidence(CoInstance c, LogLine first) {
        if (c.request != null) {
            return "from " + c.request.event() + " on the qcow2 node at line " + c.request.line() + " (offset "
                    + c.request.field("offset") + " bytes " + c.request.field("bytes") + " flags "
                    + c.request.field("flags") + ")";
        }
        String why = c.kind == Kind.FLUSH ? "its first qcow2 event is qcow2_cache_flush at line "
                + c.firstQcow2.line()
                : "it takes the qcow2 node's reqs_lock without a bdrv_co_* event and does not start with "
                + "qcow2_cache_flush (qemu 7.2 traces no discard)";
        return "from line " + first.line() + ": " + why;
    }

    /**
     * The main loop's last qcow2 events are qcow2_close's; a job's end closes the images it drops from the chain
     * earlier, so only the last main-loop instance can follow bdrv_close's flush.
     */
    private static void markClose(List<CoInstance> all, List<LogLine> lines, List<String> inferred) {
        CoInstance main = all.stream().filter(c -> c.kind == Kind.MAIN).reduce((a, b) -> b).orElse(null);
        if (main == null) {
            return;
        }
        CoInstance last = null;
        for (CoInstance c : all) {
            if (c.isRequest() && c.first() < main.last()) {
                last = c;
            }
            if (c.isRequest() && c.first() > main.last()) {
                return;
            }
        }
        if (last != null && last.kind == Kind.FLUSH) {
            last.kind = Kind.CLOSE;
            inferred.add("co " + last.address + " (line " + lines.get(last.first()).line() + ") is bdrv_close's "
                    + "flush, not a workload flush: it is the last flush before the main loop's qcow2_cache_flush "
                    + "at line " + lines.get(main.last()).line());
        }
    }

    static String prefix(CoInstance c) {
        return switch (c.kind) {
            case READ -> "r";
            case DISCARD -> "d";
            case FLUSH -> "f";
            default -> (LogLineParser.number(c.request.field("flags")) & 0x2) != 0 ? "z" : "w";
        };
    }
}
