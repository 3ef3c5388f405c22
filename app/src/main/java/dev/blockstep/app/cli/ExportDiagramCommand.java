package dev.blockstep.app.cli;

import dev.blockstep.app.diagram.DiagramExport;
import dev.blockstep.engine.session.DebugTarget;
import dev.blockstep.engine.trace.TraceReplayException;
import dev.blockstep.engine.trace.TraceRun;
import dev.blockstep.trace.io.TraceFile;
import dev.blockstep.trace.io.TraceFormatException;
import dev.blockstep.trace.io.TraceReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code blockstep export-diagram}: replays a trace headless, as {@code run} does, and draws its sequence diagram
 * (lanes, lock ownership, the race window, frees and relinks) for slides. Writes only the -o file.
 */
@Command(name = "export-diagram", mixinStandardHelpOptions = true,
        description = {"Replay a trace and write its sequence diagram as SVG or PNG (by the -o file's extension).",
                "The schedule is the trace's recorded one, or --seed N's; --fix as in run."})
public final class ExportDiagramCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ReplayOptions replay;

    @Option(names = "-o", required = true, paramLabel = "OUT", description = "The diagram file: NAME.svg or NAME.png.")
    String output;

    @Parameters(index = "0", paramLabel = "TRACE", description = "The trace file (JSON).")
    String trace;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try {
            export();
            return 0;
        } catch (CliException e) {
            err.println("blockstep export-diagram: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    private void export() throws CliException {
        Path tracePath = CliFiles.path(trace, "TRACE");
        CliFiles.requireRegular(tracePath);
        Path out = CliFiles.path(output, "-o");
        if (DiagramExport.formatOf(out) == null) {
            throw new CliException(output + ": expected a file name ending in .svg or .png");
        }
        CliFiles.refuseOverwrite(out, "-o", tracePath);
        CliFiles.requireWritable(out);
        DebugTarget run;
        try {
            TraceFile file = TraceReader.open(tracePath);
            run = TraceRun.run(file, tracePath.toAbsolutePath().getParent(), tracePath.getFileName().toString(),
                    replay.toRunOptions());
        } catch (TraceFormatException | TraceReplayException e) {
            throw new CliException(e.getMessage());
        }
        try {
            DiagramExport.write(run.steps(), run.current(), tracePath.getFileName().toString(), out);
        } catch (IOException e) {
            throw new CliException("cannot write " + output + ": " + e.getMessage());
        }
    }
}
