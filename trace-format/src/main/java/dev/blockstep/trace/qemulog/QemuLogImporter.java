package dev.blockstep.trace.qemulog;

import dev.blockstep.trace.BackingLayer;
import dev.blockstep.trace.Command;
import dev.blockstep.trace.FixSetting;
import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.JobCommand;
import dev.blockstep.trace.Metadata;
import dev.blockstep.trace.NodeOptions;
import dev.blockstep.trace.QemuEvent;
import dev.blockstep.trace.QemuLog;
import dev.blockstep.trace.Trace;
import dev.blockstep.trace.WorkloadProducer;
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

    /**
     * What the caller knows that a log may not say. {@code node}: the address of the qcow2 node to import when
     * the log has several with write traffic; {@code producer} and {@code nodeOptions}: stated by the user, they
     * replace what the importer would infer (either may be null); {@code job}: the QMP command that started the
     * log's block job, as the user sent it, or null. A mirror's log needs it (it prints neither blockdev-mirror's
     * target, sync nor copy-mode, and an active commit prints the same events); the log's own start point replaces
     * its {@code afterCommands}.
     */
    public record Options(String node, WorkloadProducer producer, NodeOptions nodeOptions, JobCommand job) {
        public static final Options NONE = new Options(null, null, null, null);

        public Options(String node, WorkloadProducer producer, NodeOptions nodeOptions) {
            this(node, producer, nodeOptions, null);
        }
    }

    private final String source;
    private final RawLog raw;
    private final List<LogLine> lines;
    private final List<String> inferred = new ArrayList<>();

    private QemuLogImporter(String source, RawLog raw) {
        this.source = source;
        this.raw = raw;
        this.lines = raw.used;
    }

    /**
     * The lines of a log the importer interprets; blank lines are skipped, events of other families and qemu-io's
     * output are counted and left out, anything else must parse.
     */
    public static List<LogLine> parseLines(String text, String source) throws ImportException {
        return RawLog.read(text, source).used;
    }

    /**
     * Imports a log. {@code script} (the qemu-io commands that produced it, or null) supplies what the log cannot
     * show; {@code image} is the image the run started from.
     */
    public static Trace importLog(String text, String source, ImageSetup image, List<ScriptCommand> script,
                                  String scriptName) throws ImportException {
        return importLog(text, source, image, script, scriptName, Options.NONE);
    }

    /** Imports a log with what the caller knows about it; see {@link Options}. */
    public static Trace importLog(String text, String source, ImageSetup image, List<ScriptCommand> script,
                                  String scriptName, Options options) throws ImportException {
        QemuLogImporter im = new QemuLogImporter(source, RawLog.read(text, source));
        return im.run(image, script, scriptName, options);
    }

    /** The one-line summary of what a log held and what the importer skipped; the CLI prints it. */
    public static String summary(Trace imported) {
        return imported.qemuLog() == null || imported.qemuLog().inferred().isEmpty() ? ""
                : imported.qemuLog().inferred().get(0);
    }

    private Trace run(ImageSetup image, List<ScriptCommand> script, String scriptName, Options options)
            throws ImportException {
        inferred.add(source + ": " + raw.summary());
        JobEvents job = JobEvents.find(lines, source, options.job());
        Landmarks marks = Landmarks.find(lines, options.node(), source, job);
        if (marks.qcow2Node == null) {
            throw new ImportException(source, lines.get(0).line(), "expected a bdrv_co_pwritev_part on the qcow2 "
                    + "node followed by qcow2_writev_start_req or qcow2_pwrite_zeroes_start_req, found none (capture "
                    + "with -T 'qcow2_*' -T 'qemu_co_mutex*' -T 'bdrv_co_*' -T 'thread_pool_*')");
        }
        inferred.addAll(marks.notes);
        CoroutineAttribution attribution = CoroutineAttribution.of(lines, marks, job);
        inferred.add("bdrv_co_* events print no coroutine: each is given to the coroutine of the next mutex event "
                + "(tracked_request_begin takes the node's reqs_lock); thread_pool_submit, qcow2_l2_allocate* and "
                + "stderr lines to the coroutine of the previous event; thread_pool_complete to the main loop");
        List<CoInstance> requests = RequestClassifier.classify(attribution.instances, lines, marks, inferred);
        if (requests.isEmpty()) {
            throw new ImportException(source, lines.get(0).line(), "expected at least one guest request in the "
                    + "log, found none");
        }
        List<Command> workload = script == null ? WorkloadInference.fromLog(requests, raw.nbdTrims, source, inferred)
                : WorkloadInference.fromScript(requests, script, source, scriptName,
                job, inferred);
        WorkloadProducer producer = options.producer() != null ? options.producer() : producer(job, options.job());
        JobCommand jobCommand = job == null ? null : jobCommand(job, marks, requests, producer, image, options.job());
        if (!raw.nbdTrims.isEmpty()) {
            long discards = requests.stream().filter(c -> c.kind == CoInstance.Kind.DISCARD).count();
            inferred.add(raw.nbdTrims.size() + " NBD TRIM requests arrived (nbd_receive_request type 0x4); " + discards
                    + " discards reached the qcow2 node" + (discards == 0 ? " (qemu-nbd's default --discard=ignore "
                    + "drops them in bdrv_co_pdiscard before any tracked request)" : ""));
        }
        QemuLog log = qemuLog(attribution, marks);
        String patterns = script == null && workload.stream().anyMatch(QemuLogImporter::dataWriteWithoutPattern)
                ? "Data patterns are not in the log: data writes assume qemu-io's default 0xcd, so the metadata "
                + "replay is exact but data bytes may differ. " : "";
        Metadata m = new Metadata("qemu -T log " + source, patterns + raw.summary() + ".",
                "blockstep import-qemu-log", null, "qemu-log");
        return new Trace(Trace.FORMAT_VERSION, m, image, workload, FixSetting.off(), List.of(), List.of(), log,
                producer, options.nodeOptions(), jobCommand);
    }

    /**
     * The QMP command that started the log's job. The log prints neither the job's id nor its device: the device is
     * the drive the guest's HMP commands name, and the job starts after the guest requests whose first event comes
     * before the job's start (qemu handles the QMP command in the main loop between two of the guest's). A commit's
     * top and base are printed as node addresses: they are the two images below the guest's in {@code image}'s chain,
     * the only intermediate commit blockstep runs.
     */
    private JobCommand jobCommand(JobEvents job, Landmarks marks, List<CoInstance> requests, WorkloadProducer producer,
                                  ImageSetup image, JobCommand stated) throws ImportException {
        LogLine start = job.start();
        if (!start.field("bs").equals(marks.qcow2Node)) {
            throw new ImportException(source, start.line(), "expected the job to run on the qcow2 node the guest "
                    + "writes (bs " + marks.qcow2Node + "), got " + start.event() + " bs " + start.field("bs"));
        }
        int after = (int) requests.stream().filter(c -> c.first() < job.startIndex()).count();
        String device = producer != null && producer.drive() != null ? producer.drive() : "d0";
        String what;
        JobCommand command;
        if (job.ops() != null) {
            return mirrorCommand(job, stated, device, after);
        }
        if (job.type().equals("stream")) {
            what = "block-stream of the whole chain (base (nil))";
            command = new JobCommand.BlockStream(null, device, null, null, after);
        } else {
            List<BackingLayer> chain = BackingLayer.below(image);
            if (chain.size() < 2) {
                throw new ImportException(source, start.line(), "expected the image to have two images below it for "
                        + "the commit_start here (top " + start.field("top") + ", base " + start.field("base")
                        + "), got " + chain.size() + " (give the image's backing chain)");
            }
            what = "block-commit of top " + start.field("top") + " (" + chain.get(0).name() + ", the image's backing "
                    + "file) into base " + start.field("base") + " (" + chain.get(1).name() + ")";
            command = new JobCommand.BlockCommit(null, device, chain.get(0).name(), chain.get(1).name(), null, after);
        }
        inferred.add(what + ": " + start.event() + " at line " + start.line() + " names bs " + marks.qcow2Node
                + "; it starts after " + after + " guest request" + (after == 1 ? "" : "s") + " (those whose first "
                + "event comes before it); the log names neither job-id nor device, so the device is "
                + (producer != null && producer.drive() != null ? "the HMP drive " + device : "assumed to be d0"));
        inferred.add("the job's coroutine = co " + job.coroutine() + ": it runs when the job prints its first "
                + job.type() + "_one_iteration; its events up to job_completed at line "
                + lines.get(job.endIndex()).line() + " are the job's (\"" + job.type() + "\"), and each request it "
                + "makes on bs " + job.subNode() + " is its \"" + job.type() + "." + job.subName() + "\" request");
        return command;
    }

    /**
     * A mirror's command: the one the caller stated, on the HMP drive, started where the log starts it. The log shows
     * the job's ops, each a coroutine of its own, which it names as the engine does.
     */
    private JobCommand mirrorCommand(JobEvents job, JobCommand stated, String device, int after) {
        JobCommand command = stated instanceof JobCommand.BlockdevMirror m
                ? new JobCommand.BlockdevMirror(m.jobId(), device, m.target(), m.targetImage(), m.sync(), m.copyMode(),
                m.granularity(), after)
                : new JobCommand.BlockCommit(stated.jobId(), device, null, ((JobCommand.BlockCommit) stated).base(),
                ((JobCommand.BlockCommit) stated).backingFile(), after);
        LogLine start = job.start();
        inferred.add((command instanceof JobCommand.BlockdevMirror ? "blockdev-mirror" : "active block-commit")
                + " as stated (the log's mirror_start at line " + start.line() + " prints neither target nor "
                + "copy-mode): it starts after " + after + " guest request" + (after == 1 ? "" : "s") + " (those whose "
                + "first event comes before it), on device " + device);
        inferred.add("the job's coroutine = co " + job.coroutine() + ": the first one named after the job goes from "
                + "created to running; its events up to job_completed at line " + lines.get(job.endIndex()).line()
                + " are the job's (\"" + job.type() + "\"); " + job.ops().count + " background ops "
                + "(mirror_one_iteration starts a copy, a write on the target node bs " + job.ops().targetNode
                + " by another coroutine a zero write), named " + job.type() + ".opN in the order the log starts them"
                + (job.filterNode() == null ? "" : "; guest requests enter mirror_top, bs " + job.filterNode()));
        return command;
    }

    private static boolean dataWriteWithoutPattern(Command c) {
        return c instanceof Command.Write w && !w.zero() && w.pattern() == null;
    }

    /**
     * The producer the log shows: NBD negotiation means qemu-nbd; qemu-io's merged output means qemu-io; else a block
     * job whose command the caller stated ({@code stated}: a mirror's log needs one) means HMP qemu-io in qemu-system,
     * the one producer blockstep knows that runs beside a job, on the drive the stated job names. A stream's or
     * commit's log without a stated command keeps no producer, as before: HMP would also take the -drive default
     * discard=ignore, which the log cannot show either.
     */
    private WorkloadProducer producer(JobEvents job, JobCommand stated) {
        if (raw.isNbd()) {
            inferred.add("producer qemu-nbd with " + raw.nbdClients + " client" + (raw.nbdClients == 1 ? "" : "s")
                    + ": the log has " + raw.nbdClients + " nbd_negotiate_success events");
            return new WorkloadProducer(WorkloadProducer.Tool.QEMU_NBD, raw.nbdClients, null);
        }
        if (raw.qemuIoOutput > 0) {
            inferred.add("producer qemu-io: its output is merged into the log (" + raw.qemuIoOutput + " lines)");
            return new WorkloadProducer(WorkloadProducer.Tool.QEMU_IO, 1, null);
        }
        if (job != null && stated != null) {
            String drive = stated.device();
            inferred.add("producer hmp-qemu-io on drive " + drive + ": the log has no NBD negotiation and no qemu-io "
                    + "output, and shows a block job (" + job.start().event() + " at line " + job.start().line()
                    + "), which only qemu-system runs; the drive is the stated job's device");
            return new WorkloadProducer(WorkloadProducer.Tool.HMP_QEMU_IO, 1, drive);
        }
        inferred.add("producer not stated: the log has no NBD negotiation and no qemu-io output, so it may come "
                + "from qemu-io or from HMP qemu-io in qemu-system");
        return null;
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
