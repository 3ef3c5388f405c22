package dev.blockstep.trace.qemulog;

import dev.blockstep.trace.Alignment;
import dev.blockstep.trace.Command;
import dev.blockstep.trace.Producer;
import dev.blockstep.trace.importer.ImportException;
import dev.blockstep.trace.importer.QemuIoScriptImporter.ScriptCommand;
import dev.blockstep.trace.qemulog.CoInstance.Kind;
import java.util.ArrayList;
import java.util.List;

/** Builds the workload of an imported log, from the log alone or from the script checked against the log. */
final class WorkloadInference {

    private WorkloadInference() {
    }

    static List<Command> fromLog(List<CoInstance> requests, List<RawLog.NbdTrim> trims, String source,
                                 List<String> inferred) throws ImportException {
        List<Command> out = new ArrayList<>();
        boolean anyAio = false;
        boolean[] trimUsed = new boolean[trims.size()];
        for (int i = 0; i < requests.size(); i++) {
            CoInstance c = requests.get(i);
            boolean aio = overlapsLater(requests, i);
            anyAio |= aio;
            switch (c.kind) {
                case WRITE -> {
                    // what the guest sent: the flags it entered a job's filter with, where it did
                    long flags = LogLineParser.number((c.entry != null ? c.entry : c.request).field("flags"));
                    boolean zero = (flags & 0x2) != 0;
                    boolean detected = !zero && c.firstQcow2 != null
                            && c.firstQcow2.event().equals("qcow2_pwrite_zeroes_start_req");
                    out.add(new Command.Write(aio, c.name, Producer.GUEST, offset(c, source), bytes(c, source),
                            detected ? Integer.valueOf(0) : null, zero, zero && (flags & 0x4) != 0, false));
                    if (detected) {
                        inferred.add(c.name + " wrote zero bytes: " + c.request.event() + " at line "
                                + c.request.line() + " has no zero flag (" + c.request.field("flags") + ") but the "
                                + "qcow2 driver ran it as qcow2_pwrite_zeroes_start_req at line " + c.firstQcow2.line()
                                + ", which is detect-zeroes (on or unmap) turning an all-zero write into a zero write");
                    }
                    inferred.add("request of co " + c.address + " (" + c.name + ") inferred from " + c.request.event()
                            + " flags " + c.request.field("flags") + " at line " + c.request.line() + ": "
                            + (aio ? "aio_write" : "write") + (zero ? " -z" : "") + ((flags & 0x4) != 0 ? " -u" : "")
                            + ((flags & 0x10) != 0 ? " (0x10 FUA is qemu-io's writethrough default)" : "")
                            + (zero || detected ? "" : "; the pattern is not in the log, qemu-io's default 0xcd "
                            + "assumed"));
                }
                case READ -> out.add(new Command.Read(c.name, Producer.GUEST, offset(c, source), bytes(c, source),
                        null));
                case FLUSH -> out.add(new Command.Flush(c.name, Producer.GUEST));
                case DISCARD -> out.add(discard(c, trims, trimUsed, source, inferred));
                default -> throw new IllegalStateException("not a request: " + c.kind);
            }
            if (aio) {
                inferred.add(c.name + " is asynchronous: a later request starts before its last event");
            }
        }
        if (anyAio) {
            out.add(new Command.AioFlush(null));
            inferred.add("aio_flush appended after the last request: qemu-io drains aio requests before it closes");
        }
        return out;
    }

    /**
     * A discard's range, which qemu 7.2 traces only at the NBD server: the TRIM received last before the discard's
     * first event (the server's coroutine goes from nbd_receive_request to blk_co_pdiscard without yielding).
     */
    private static Command discard(CoInstance c, List<RawLog.NbdTrim> trims, boolean[] used, String source,
                                   List<String> inferred) throws ImportException {
        long first = c.firstLine;
        int pick = -1;
        for (int t = 0; t < trims.size() && trims.get(t).line() < first; t++) {
            if (!used[t]) {
                pick = t;
            }
        }
        if (pick < 0) {
            throw new ImportException(source, lineOf(c), "cannot tell the range of the discard run by "
                        + "co " + c.address + " (qemu 7.2 has no discard trace event): give the qemu-io script that "
                        + "produced the log");
        }
        used[pick] = true;
        RawLog.NbdTrim trim = trims.get(pick);
        if (!Alignment.isSectorMultiple(trim.offset()) || trim.bytes() <= 0
                || !Alignment.isSectorMultiple(trim.bytes())) {
            throw new ImportException(source, trim.line(), "expected an NBD TRIM range of whole sectors (traces are "
                    + "sector-aligned), got from " + trim.offset() + " len " + trim.bytes());
        }
        inferred.add(c.name + " = the NBD TRIM at line " + trim.line() + " (from " + trim.offset() + " len "
                + trim.bytes() + "): the last TRIM received before the discard's first event at line " + first);
        return new Command.Discard(c.name, Producer.GUEST, trim.offset(), trim.bytes(), trim.fua());
    }

    /**
     * The script's workload, checked against the log's requests. {@code job}: the log's block job, or null. While a
     * job's filter sits above the qcow2 node (block-stream's copy-on-read filter, a mirror's mirror_top), a guest
     * discard stops there before any traced event (neither node has BDRV_O_UNMAP): such a discard has no request
     * in the log, and the replay issues it right after the command before it, as HMP issues them in order.
     */
    static List<Command> fromScript(List<CoInstance> requests, List<ScriptCommand> script, String source,
                                    String scriptName, JobEvents job, List<String> inferred)
            throws ImportException {
        List<ScriptCommand> wanted = script.stream().filter(s -> !(s.command() instanceof Command.AioFlush)).toList();
        int r = 0;
        for (int i = 0; i < wanted.size() || r < requests.size(); i++) {
            boolean discardMissing = i < wanted.size() && wanted.get(i).command() instanceof Command.Discard
                    && (r >= requests.size() || requests.get(r).kind != Kind.DISCARD);
            if (discardMissing && job != null && job.filterNode() != null) {
                dropped(wanted.get(i), r == 0 ? null : requests.get(r - 1), job, source, scriptName, inferred);
                continue;
            }
            if (r >= requests.size()) {
                throw new ImportException(scriptName, wanted.get(i).line(), "expected a request in " + source
                        + " for this command, found only " + requests.size());
            }
            CoInstance c = requests.get(r);
            if (i >= wanted.size() && onlyFlushesFrom(requests, r)) {
                return withQuitFlushes(script, requests, r, scriptName, inferred);
            }
            if (i >= wanted.size()) {
                throw new ImportException(source, lineOf(c), "expected no more requests (" + scriptName + " has "
                        + wanted.size() + "), got a " + c.kind.name().toLowerCase() + " by co " + c.address);
            }
            ScriptCommand s = wanted.get(i);
            String mismatch = mismatch(c, s.command());
            if (mismatch != null) {
                throw new ImportException(source, lineOf(c), "co " + c.address + " " + mismatch + ", but "
                        + scriptName + ":" + s.line() + " is " + s.command().op());
            }
            c.name = s.command().coroutine();
            r++;
        }
        inferred.add("workload taken from " + scriptName + "; its " + wanted.size()
                + " requests matched the log's requests one to one, in order");
        return script.stream().map(ScriptCommand::command).toList();
    }

    /**
     * Accepts a script discard the log has no request for when the job's filter was in the graph as it came: the
     * request before it (the guest issues in order) started while the job ran. Otherwise it is refused in one line.
     */
    private static void dropped(ScriptCommand d, CoInstance before, JobEvents job, String source, String scriptName,
                                List<String> inferred) throws ImportException {
        String filter = job.ops() != null ? "mirror_top (bs " + job.filterNode() + ")"
                : "the copy-on-read filter (bs " + job.filterNode() + ")";
        if (before == null || before.first() < job.startIndex() || before.first() > job.endIndex()) {
            throw new ImportException(scriptName, d.line(), "expected this discard's request in " + source + ", found "
                    + "none, and the command before it " + (before == null ? "does not exist" : "(co " + before.address
                    + ", line " + before.firstLine + ") did not start while the job ran") + ": only a discard "
                    + filter + " drops (it has no BDRV_O_UNMAP) leaves no trace event");
        }
        inferred.add(d.command().coroutine() + " (" + scriptName + ":" + d.line() + ") has no request in the log: "
                + filter + " has no BDRV_O_UNMAP and drops a guest discard before any traced event; it came while "
                + "the job ran (the command before it, " + before.name + ", starts at line " + before.firstLine
                + "), so the replay issues it right after that one and the engine's filter drops it too");
    }

    private static boolean onlyFlushesFrom(List<CoInstance> requests, int i) {
        return requests.subList(i, requests.size()).stream().allMatch(c -> c.kind == Kind.FLUSH);
    }

    /**
     * The script's commands, then the flushes the log shows after all of them: qemu's own, not the script's
     * (qemu-system's quit flushes every drive, vm_shutdown's bdrv_flush_all, before bdrv_close flushes again).
     */
    private static List<Command> withQuitFlushes(List<ScriptCommand> script, List<CoInstance> requests, int from,
                                                 String scriptName, List<String> inferred) {
        List<Command> out = new ArrayList<>(script.stream().map(ScriptCommand::command).toList());
        for (int i = from; i < requests.size(); i++) {
            CoInstance c = requests.get(i);
            c.name = "f" + i;
            out.add(new Command.Flush(c.name, Producer.GUEST));
            inferred.add(c.name + " = co " + c.address + ": a flush after every command of " + scriptName
                    + " (from line " + c.firstLine + "), qemu's own as it quits, not the script's");
        }
        inferred.add("workload taken from " + scriptName + "; its " + from + " requests matched the log's first "
                + from + " requests one to one, in order");
        return out;
    }

    /** Why the log's request differs from the script's command, or null when they agree. */
    private static String mismatch(CoInstance c, Command cmd) {
        String desc = "runs a " + c.kind.name().toLowerCase()
                + (c.request == null ? "" : " (" + c.request.event() + " offset " + c.request.field("offset")
                + " bytes " + c.request.field("bytes") + " flags " + c.request.field("flags") + ")");
        if (cmd instanceof Command.Write w && c.kind == Kind.WRITE) {
            // what the guest sent: the flags it entered a job's filter with, where it did
            long flags = LogLineParser.number((c.entry != null ? c.entry : c.request).field("flags"));
            boolean same = w.offset() == num(c, "offset") && w.bytes() == num(c, "bytes")
                    && w.zero() == ((flags & 0x2) != 0) && w.unmap() == ((flags & 0x4) != 0);
            return same ? null : desc;
        }
        if (cmd instanceof Command.Read r && c.kind == Kind.READ) {
            return r.offset() == num(c, "offset") && r.bytes() == num(c, "bytes") ? null : desc;
        }
        if (cmd instanceof Command.Discard && c.kind == Kind.DISCARD) {
            return null;
        }
        if (cmd instanceof Command.Flush && c.kind == Kind.FLUSH) {
            return null;
        }
        return desc;
    }

    private static long num(CoInstance c, String field) {
        return LogLineParser.number(c.request.field(field));
    }

    private static boolean overlapsLater(List<CoInstance> requests, int i) {
        CoInstance c = requests.get(i);
        for (int j = i + 1; j < requests.size(); j++) {
            if (requests.get(j).first() < c.last()) {
                return true;
            }
        }
        return false;
    }

    private static long offset(CoInstance c, String source) throws ImportException {
        long v = num(c, "offset");
        if (!Alignment.isSectorMultiple(v)) {
            throw new ImportException(source, c.request.line(), "expected a request offset that is a multiple of "
                    + Alignment.SECTOR + " (traces are sector-aligned), got " + v);
        }
        return v;
    }

    private static long bytes(CoInstance c, String source) throws ImportException {
        long v = num(c, "bytes");
        if (v <= 0 || !Alignment.isSectorMultiple(v)) {
            throw new ImportException(source, c.request.line(), "expected a request length that is a positive "
                    + "multiple of " + Alignment.SECTOR + " (traces are sector-aligned), got " + v);
        }
        return v;
    }

    private static long lineOf(CoInstance c) {
        return c.request != null ? c.request.line() : c.firstLine;
    }
}
