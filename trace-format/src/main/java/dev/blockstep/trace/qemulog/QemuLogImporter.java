package dev.blockstep.trace.qemulog;

import dev.blockstep.trace.Command;
import dev.blockstep.trace.FixSetting;
import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.Metadata;
import dev.blockstep.trace.QemuEvent;
import dev.blockstep.trace.QemuLog;
import dev.blockstep.trace.Trace;
import dev.blockstep.trace.importer.ImportException;
import dev.blockstep.trace.importer.QemuIoScriptImporter.ScriptCommand;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a qemu 7.2 {@code -T 'qcow2_*' -T 'qemu_co_mutex*' -T 'bdrv_co_*' -T 'thread_pool_*'} log into a trace:
 * the workload it ran and its schedule at qemu-event granularity, with one sentence for every fact that was
 * inferred rather than read. Pure parsing: nothing here runs the engine.
 *
 * <p>Given the qemu-io script that produced the log, the importer takes the workload from the script and checks
 * that every request in the log matches it (kind, range, zero/unmap flags). Without it, the workload comes from
 * the log alone, which cannot say a discard's range (qemu 7.2 traces no discard) or a write's pattern.
 */
public final class QemuLogImporter {

    private static final int ZERO_WRITE = 0x2;
    private static final int MAY_UNMAP = 0x4;

    private final String source;
    private final List<LogLine> lines;
    private final List<String> inferred = new ArrayList<>();

    private QemuLogImporter(String source, List<LogLine> lines) {
        this.source = source;
        this.lines = lines;
    }

    /** Parses a log's text; blank lines are skipped, anything else must parse. */
    public static List<LogLine> parseLines(String text, String source) throws ImportException {
        List<LogLine> out = new ArrayList<>();
        String[] raw = text.split("\n", -1);
        for (int i = 0; i < raw.length; i++) {
            String line = raw[i].endsWith("\r") ? raw[i].substring(0, raw[i].length() - 1) : raw[i];
            if (!line.isBlank()) {
                out.add(LogLineParser.parse(line, source, i + 1));
            }
        }
        if (out.isEmpty()) {
            throw new ImportException(source, 1, "expected qemu trace events, got an empty log");
        }
        return out;
    }

    /**
     * Imports a log. {@code script} (the qemu-io commands that produced it, or null) supplies what the log cannot
     * show; {@code image} is the image the run started from.
     */
    public static Trace importLog(String text, String source, ImageSetup image, List<ScriptCommand> script,
                                  String scriptName) throws ImportException {
        QemuLogImporter im = new QemuLogImporter(source, parseLines(text, source));
        return im.run(image, script, scriptName);
    }

    private Trace run(ImageSetup image, List<ScriptCommand> script, String scriptName) throws ImportException {
        Landmarks marks = Landmarks.find(lines);
        if (marks.qcow2Node == null) {
            throw new ImportException(source, lines.get(0).line(), "expected a bdrv_co_pwritev_part on the qcow2 "
                    + "node followed by qcow2_writev_start_req or qcow2_pwrite_zeroes_start_req, found none (capture "
                    + "with -T 'qcow2_*' -T 'qemu_co_mutex*' -T 'bdrv_co_*' -T 'thread_pool_*')");
        }
        inferred.addAll(marks.notes);
        CoroutineAttribution attribution = CoroutineAttribution.of(lines, marks);
        inferred.add("bdrv_co_* events print no coroutine: each is given to the coroutine of the next mutex event "
                + "(tracked_request_begin takes the node's reqs_lock); thread_pool_submit, qcow2_l2_allocate* and "
                + "stderr lines to the coroutine of the previous event; thread_pool_complete to the main loop");
        List<CoInstance> requests = RequestClassifier.classify(attribution.instances, lines, marks, inferred);
        if (requests.isEmpty()) {
            throw new ImportException(source, lines.get(0).line(), "expected at least one guest request in the "
                    + "log, found none");
        }
        List<Command> workload = script == null ? WorkloadInference.fromLog(requests, source, inferred)
                : WorkloadInference.fromScript(requests, script, source, scriptName, inferred);
        QemuLog log = qemuLog(attribution, marks);
        Metadata m = new Metadata("qemu -T log " + source, null, "blockstep import-qemu-log", null, "qemu-log");
        return new Trace(Trace.FORMAT_VERSION, m, image, workload, FixSetting.off(), List.of(), List.of(), log);
    }

    private QemuLog qemuLog(CoroutineAttribution attribution, Landmarks marks) {
        Map<String, String> symbols = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : marks.nodes.entrySet()) {
            symbols.put(e.getValue(), e.getKey());
        }
        for (Map.Entry<String, String> e : marks.mutexes.entrySet()) {
            symbols.put(e.getValue(), e.getKey());
        }
        for (CoInstance c : attribution.instances) {
            symbols.put(c.name, c.address);
        }
        Map<String, String> fixed = new HashMap<>();
        fixed.putAll(marks.nodes);
        fixed.putAll(marks.mutexes);
        Map<String, String> liveCo = new HashMap<>();
        List<QemuEvent> events = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            LogLine l = lines.get(i);
            CoInstance inst = attribution.byLine[i];
            if (inst != null) {
                liveCo.put(inst.address, inst.name);
            }
            events.add(new QemuEvent(l.line(), inst == null ? null : inst.name, l.event(),
                    l.event().equals(LogLine.STDERR) ? l.args() : symbolize(l.args(), fixed, liveCo)));
        }
        return new QemuLog(source, symbols, events, inferred);
    }

    private static String symbolize(String args, Map<String, String> fixed, Map<String, String> liveCo) {
        if (args.isEmpty()) {
            return args;
        }
        String[] words = args.split(" ", -1);
        for (int i = 0; i < words.length; i++) {
            String w = words[i];
            String suffix = w.endsWith(":") ? ":" : "";
            String bare = suffix.isEmpty() ? w : w.substring(0, w.length() - 1);
            String sym = fixed.get(bare);
            if (sym == null) {
                sym = liveCo.get(bare);
            }
            if (sym != null) {
                words[i] = sym + suffix;
            }
        }
        return String.join(" ", words);
    }
}
