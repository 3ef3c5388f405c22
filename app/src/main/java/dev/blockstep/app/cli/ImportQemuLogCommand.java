package dev.blockstep.app.cli;

import dev.blockstep.engine.session.EngineSession;
import dev.blockstep.engine.trace.QemuLogReplay;
import dev.blockstep.engine.trace.TraceRecorder;
import dev.blockstep.engine.trace.TraceReplayException;
import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.Trace;
import dev.blockstep.trace.importer.ImportException;
import dev.blockstep.trace.importer.QemuIoScriptImporter;
import dev.blockstep.trace.importer.QemuIoScriptImporter.ScriptCommand;
import dev.blockstep.trace.qemulog.QemuLogImporter;
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
        description = "Turn a qemu-io -T 'qcow2_*' -T 'qemu_co_mutex*' -T 'bdrv_co_*' -T 'thread_pool_*' log "
                + "into a blockstep trace.")
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

    @Mixin
    ImageOptions image;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        try {
            CliFiles.refuseOverwrite(output, "-o", log, script, image.base, image.setup);
            CliFiles.requireWritable(output);
            ImageSetup setup = image.resolve(output);
            List<ScriptCommand> commands = null;
            String scriptName = null;
            if (script != null) {
                scriptName = script.getFileName().toString();
                commands = QemuIoScriptImporter.parse(CliFiles.read(script), scriptName);
                QemuIoScriptImporter.checkInside(commands, setup, scriptName);
            }
            Trace trace = QemuLogImporter.importLog(CliFiles.read(log), log.getFileName().toString(), setup,
                    commands, scriptName);
            if (engineSchedule) {
                trace = withEngineSchedule(trace);
            }
            CliFiles.write(trace, output);
            spec.commandLine().getOut().println("wrote " + output + ": " + trace.workload().size() + " commands, "
                    + trace.qemuLog().events().size() + " qemu events, " + trace.qemuLog().inferred().size()
                    + " inferred facts");
            return 0;
        } catch (CliException | ImportException | TraceReplayException e) {
            spec.commandLine().getErr().println("blockstep: " + e.getMessage());
            return 1;
        }
    }

    private Trace withEngineSchedule(Trace imported) throws TraceReplayException {
        Path dir = output.toAbsolutePath().getParent();
        String name = log.getFileName().toString();
        EngineSession session = QemuLogReplay.run(imported, dir, name);
        Trace recorded = TraceRecorder.record(imported, imported.metadata(), session);
        return new Trace(recorded.formatVersion(), recorded.metadata(), recorded.image(), recorded.workload(),
                recorded.fix(), recorded.schedule(), recorded.checkpoints(), imported.qemuLog());
    }
}
