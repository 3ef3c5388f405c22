package dev.blockstep.app.cli;

import dev.blockstep.engine.explore.Minimizer;
import dev.blockstep.engine.explore.QemuImgCheck;
import dev.blockstep.engine.explore.Scenario;
import dev.blockstep.engine.explore.ScenarioException;
import dev.blockstep.engine.explore.ScheduleReplay;
import dev.blockstep.engine.explore.TraceExport;
import dev.blockstep.trace.io.TraceWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code blockstep minimize}: shrinks a corrupting trace's workload and schedule (delta debugging) and writes
 * the minimal trace. The input is never changed.
 */
@Command(name = "minimize", mixinStandardHelpOptions = true,
        description = "Shrink a corrupting trace (requests and schedule) to a minimal one that still corrupts.")
public final class MinimizeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "MIN", description = "Minimal trace to write.")
    String output;

    @Option(names = "--budget", paramLabel = "N", defaultValue = "20",
            description = "Seeded schedules of each strategy tried per candidate workload (default ${DEFAULT-VALUE}).")
    int budget;

    @Parameters(index = "0", paramLabel = "TRACE", description = "A trace (or scenario) that corrupts.")
    String traceArg;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (budget < 0) {
            err.println("blockstep minimize: --budget: expected a number 0 or more, got " + budget);
            err.flush();
            return 1;
        }
        Scenario s;
        List<Integer> choices = null;
        try {
            s = ScenarioLoader.load(traceArg);
            ScenarioLoader.checkOutput(Path.of(output), "-o", ScenarioLoader.inputs(traceArg, s));
            TraceSchedule ts = TraceSchedule.read(Path.of(traceArg));
            if (!ts.entries().isEmpty()) {
                choices = ScheduleReplay.choices(s.setup(), s.coroutineNames(), s.trace().job(), ts.entries(),
                        traceArg);
            }
        } catch (ScenarioException e) {
            err.println("blockstep minimize: " + e.getMessage());
            err.flush();
            return 1;
        }
        Minimizer.Result r;
        try {
            r = new Minimizer(new QemuImgCheck(), budget).minimize(s.setup(), choices);
        } catch (IllegalArgumentException e) {
            err.println("blockstep minimize: " + traceArg + ": " + e.getMessage());
            err.flush();
            return 2;
        }
        try {
            TraceWriter.write(TraceExport.of(r.setup(), s.trace().image(), s.trace().job(), r.counterexample(),
                    "minimized from " + traceArg, "minimize", null), Path.of(output));
        } catch (IOException | RuntimeException e) {
            err.println("blockstep minimize: cannot write " + output + ": " + e.getMessage());
            err.flush();
            return 1;
        }
        out.println("requests: " + r.requestsBefore() + " -> " + r.requestsAfter());
        r.setup().commands().forEach(c -> out.println("  " + c.toLine()));
        out.println("schedule departures from FIFO: " + r.departures() + " (" + r.counterexample().describe() + ")");
        out.println("verdict: " + r.counterexample().verdict().summary());
        out.println("candidate runs: " + r.tests());
        out.println("minimal trace: " + output);
        out.flush();
        return 0;
    }
}
