package dev.blockstep.app.cli;

import dev.blockstep.engine.session.EngineSession;
import dev.blockstep.engine.trace.QemuLogReplay;
import dev.blockstep.engine.trace.TraceRecorder;
import dev.blockstep.engine.trace.TraceReplayException;
import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.JobCommand;
import dev.blockstep.trace.NodeOptions;
import dev.blockstep.trace.QemuLog;
import dev.blockstep.trace.Trace;
import dev.blockstep.trace.WorkloadProducer;
import dev.blockstep.trace.importer.ImportException;
import dev.blockstep.trace.io.TraceFormatException;
import dev.blockstep.trace.io.TraceReader;
import dev.blockstep.trace.importer.QemuIoScriptImporter;
import dev.blockstep.trace.importer.QemuIoScriptImporter.ScriptCommand;
import dev.blockstep.trace.qemulog.QemuLogImporter;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code blockstep import-qemu-log LOG -o TRACE}: a qemu {@code -T} log becomes a trace with the workload and the
 * qemu-level schedule.
 */
@Command(name = "import-qemu-log",
        description = "Turn a qemu log (qemu-io -T, qemu-nbd's stderr or qemu-system's -D file, with the events "
                + "qcow2_*, qemu_co_mutex*, bdrv_co_* and thread_pool_* enabled) into a blockstep trace.")
public final class ImportQemuLogCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "LOG", description = "the trace log qemu wrote (its stderr)")
    Path log;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "TRACE", description = "trace file to write")
    Path output;

    @Option(names = "--script", paramLabel = "SCRIPT",
            description = "the qemu-io commands that produced the log: gives patterns and discard ranges, and is "
                    + "checked against the log")
    Path script;

    @Option(names = "--engine-schedule",
            description = "also run the log's order on the engine and store the engine-level schedule, so the "
                    + "trace replays step for step")
    boolean engineSchedule;

    @Option(names = "--node", paramLabel = "ADDRESS",
            description = "the qcow2 node to import (its bs address) when the log has several with write traffic")
    String node;

    @Option(names = "--producer", paramLabel = "TOOL",
            description = "what issued the requests: qemu-io, hmp-qemu-io or qemu-nbd (default: what the log shows)")
    String producer;

    @Option(names = "--clients", paramLabel = "N", description = "NBD clients at once (with --producer=qemu-nbd)")
    Integer clients;

    @Option(names = "--drive", paramLabel = "ID", description = "the -drive id (with --producer=hmp-qemu-io)")
    String drive;

    @Option(names = "--discard", paramLabel = "MODE", description = "the node's discard= option: ignore or unmap")
    String discard;

    @Option(names = "--detect-zeroes", paramLabel = "MODE",
            description = "the node's detect-zeroes= option: off, on or unmap")
    String detectZeroes;

    @Option(names = "--cache", paramLabel = "MODE",
            description = "the cache mode: none, writeback, writethrough, directsync or unsafe")
    String cache;

    @Option(names = "--job", paramLabel = "FILE|JSON",
            description = "the QMP command that started the log's block job, as a trace's job field holds it "
                    + "({\"execute\": \"blockdev-mirror\", \"arguments\": {...}, \"targetImage\": {...}}), or a file "
                    + "holding it; a log of blockdev-mirror or an active block-commit needs it (the log prints neither "
                    + "target nor copy-mode), the log gives when it started")
    String job;

    @Mixin
    ImageOptions image;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        try {
            CliFiles.refuseOverwrite(output, "-o", log, script, image.base, image.setup, jobFile());
            CliFiles.requireWritable(output);
            ImageSetup setup = image.resolve(output);
            List<ScriptCommand> commands = null;
            String scriptName = null;
            if (script != null) {
                scriptName = script.getFileName().toString();
                commands = QemuIoScriptImporter.parse(CliFiles.read(script), scriptName);
                QemuIoScriptImporter.checkInside(commands, setup, scriptName);
            }
            QemuLogImporter.Options options = new QemuLogImporter.Options(node, statedProducer(),
                    new NodeOptions(option("--discard", discard, NodeOptions.Discard.class),
                            option("--detect-zeroes", detectZeroes, NodeOptions.DetectZeroes.class),
                            option("--cache", cache, NodeOptions.Cache.class)), statedJob(setup));
            Trace trace = QemuLogImporter.importLog(CliFiles.read(log), log.getFileName().toString(), setup,
                    commands, scriptName, options);
            if (engineSchedule) {
                trace = withEngineSchedule(trace);
            }
            CliFiles.write(trace, output);
            spec.commandLine().getOut().println("wrote " + output + ": " + trace.workload().size() + " commands, "
                    + trace.qemuLog().events().size() + " qemu events, " + trace.qemuLog().inferred().size()
                    + " inferred facts");
            spec.commandLine().getOut().println(QemuLogImporter.summary(trace));
            return 0;
        } catch (CliException | ImportException | TraceReplayException e) {
            spec.commandLine().getErr().println("blockstep: " + e.getMessage());
            return 1;
        }
    }

    /** The --job file, or null when the option is absent or holds the JSON itself. */
    private Path jobFile() throws CliException {
        return job == null || inlineJob() ? null : CliFiles.path(job, "--job");
    }

    private boolean inlineJob() {
        return job.strip().startsWith("{");
    }

    /** The job --job states, checked against the image it runs on, or null without --job. */
    private JobCommand statedJob(ImageSetup setup) throws CliException {
        if (job == null) {
            return null;
        }
        Path file = jobFile();
        if (file != null && !Files.exists(file)) {
            throw new CliException("--job " + job + ": no such file (expected a file or the job's QMP command as "
                    + "JSON)");
        }
        String text = file == null ? job : CliFiles.read(file);
        String name = file == null ? "--job" : file.toString();
        try {
            return TraceReader.readJob(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), name, setup);
        } catch (TraceFormatException e) {
            throw new CliException(e.getMessage());
        }
    }

    private WorkloadProducer statedProducer() throws CliException {
        if (producer == null) {
            if (clients != null || drive != null) {
                throw new CliException("--clients and --drive need --producer");
            }
            return null;
        }
        WorkloadProducer.Tool tool = WorkloadProducer.Tool.fromJson(producer);
        if (tool == null) {
            throw new CliException("--producer: expected qemu-io, hmp-qemu-io or qemu-nbd, got " + producer);
        }
        int n = clients == null ? 1 : clients;
        String problem = WorkloadProducer.problem(tool, n, drive);
        if (problem != null) {
            throw new CliException("--producer=" + producer + ": " + problem);
        }
        return new WorkloadProducer(tool, n, drive);
    }

    private static <E extends Enum<E>> E option(String name, String value, Class<E> type) throws CliException {
        if (value == null) {
            return null;
        }
        E e = NodeOptions.fromJson(type, value);
        if (e == null) {
            throw new CliException(name + ": expected one of " + NodeOptions.choices(type) + ", got " + value);
        }
        return e;
    }

    private Trace withEngineSchedule(Trace imported) throws TraceReplayException {
        Path dir = output.toAbsolutePath().getParent();
        String name = log.getFileName().toString();
        EngineSession session = QemuLogReplay.run(imported, dir, name);
        Trace recorded = TraceRecorder.record(imported, imported.metadata(), session);
        // The recorded workload and schedule carry the engine's names; the log must say the same.
        QemuLog log = TraceRecorder.engineNames(imported, session).apply(imported.qemuLog());
        return new Trace(recorded.formatVersion(), recorded.metadata(), recorded.image(), recorded.workload(),
                recorded.fix(), recorded.schedule(), recorded.checkpoints(), log, recorded.producer(),
                recorded.node(), recorded.job());
    }
}
