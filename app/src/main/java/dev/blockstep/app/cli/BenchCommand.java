package dev.blockstep.app.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code blockstep bench}: measures the engine, the serial engine, the checker and the debugger session on this
 * machine and prints median, min and max of the timed repetitions. Measurement only: no thresholds.
 */
@Command(name = "bench",
        description = "Measure engine steps/s (fix off and on), serial commands/s, check time and memory for a "
                + "2 GiB image, and session jump latency on this machine.",
        mixinStandardHelpOptions = true)
public final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--quick", description = "One warm-up and two repetitions instead of three and ten (with --gui: "
            + "10 F8, 5 Shift+F8 and 3 jumps instead of 200, 50 and 30).")
    boolean quick;

    @Option(names = "--json", description = "Print the rows as a JSON array.")
    boolean json;

    @Option(names = "--gui", description = "Open the debugger window on the 5000-command workload and time F8, "
            + "Shift+F8, slider jumps and the open, each from the command to the rendered frame (needs a display).")
    boolean gui;

    @Option(names = "--gui-commands", hidden = true, defaultValue = "5000",
            description = "Commands in the --gui workload (a test shrinks it; the figures are for 5000).")
    int guiCommands;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (gui) {
            return GuiBenchCommand.run(quick, guiCommands, json, out, spec.commandLine().getErr());
        }
        List<Measurement> rows = quick ? new Benchmarks(1, 2).runAll() : new Benchmarks(3, 10).runAll();
        if (json) {
            printJson(out, rows);
        } else {
            printTable(out, rows);
        }
        out.flush();
        return 0;
    }

    private static void printTable(PrintWriter out, List<Measurement> rows) {
        int w = rows.stream().mapToInt(r -> r.name().length()).max().orElse(0);
        String fmt = "%-" + w + "s  %12s  %12s  %12s  %-10s  %s%n";
        out.printf(fmt, "measurement", "median", "min", "max", "unit", "runs");
        for (Measurement r : rows) {
            out.printf(fmt, r.name(), num(r.median()), num(r.min()), num(r.max()), r.unit(), r.repetitions());
        }
        Runtime rt = Runtime.getRuntime();
        out.printf("java %s, %d processors, max heap %d MiB%n", System.getProperty("java.version"),
                rt.availableProcessors(), rt.maxMemory() >> 20);
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, v >= 100 ? "%.0f" : v >= 1 ? "%.2f" : "%.3f", v);
    }

    private static void printJson(PrintWriter out, List<Measurement> rows) {
        out.println("[");
        for (int i = 0; i < rows.size(); i++) {
            Measurement r = rows.get(i);
            out.printf(Locale.ROOT, "  {\"name\": \"%s\", \"unit\": \"%s\", \"median\": %s, \"min\": %s, \"max\": %s, "
                    + "\"runs\": %d}%s%n", r.name(), r.unit(), r.median(), r.min(), r.max(), r.repetitions(),
                    i + 1 < rows.size() ? "," : "");
        }
        out.println("]");
    }
}
