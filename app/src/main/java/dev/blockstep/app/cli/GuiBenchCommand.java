package dev.blockstep.app.cli;

import dev.blockstep.app.GuiCommand;
import dev.blockstep.app.gui.bench.GuiBench;
import dev.blockstep.app.gui.bench.GuiBenchFigures;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;

/**
 * {@code blockstep bench --gui}: a class of its own so that {@link BenchCommand} loads JavaFX only when asked to.
 * Prints the five figures, as a table or one JSON object.
 */
final class GuiBenchCommand {

    private GuiBenchCommand() {
    }

    static int run(boolean quick, int commands, boolean json, PrintWriter out, PrintWriter err) {
        String missing = GuiCommand.missingDisplay();
        if (missing != null) {
            err.println("blockstep: bench --gui: cannot open the window: " + missing);
            err.flush();
            return 1;
        }
        GuiBenchFigures f;
        try {
            f = GuiBench.run(quick, commands);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("blockstep: bench --gui: interrupted");
            err.flush();
            return 1;
        }
        Map<String, Double> figures = f.figures();
        if (json) {
            StringBuilder sb = new StringBuilder("{");
            figures.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "\"%s\": %.2f, ", k, v)));
            f.cpuFigures().forEach((k, v) -> sb.append(String.format(Locale.ROOT, "\"%s\": %.2f, ", k, v)));
            sb.append(String.format(Locale.ROOT, "\"steps\": %d, \"stepSamples\": %d, \"backSamples\": %d, "
                    + "\"jumpSamples\": %d, \"renderer\": \"%s\"}", f.steps(), f.stepMs().length, f.backMs().length,
                    f.jumpMs().length, f.renderer()));
            out.println(sb);
        } else {
            figures.forEach((k, v) -> out.printf(Locale.ROOT, "%-16s %9.2f%n", k, v));
            f.cpuFigures().forEach((k, v) -> out.printf(Locale.ROOT, "%-16s %9.2f%n", k, v));
            out.printf(Locale.ROOT, "workload: %d aio commands, %d steps; %d F8, %d Shift+F8, %d slider jumps; "
                    + "renderer %s%n", commands, f.steps(), f.stepMs().length, f.backMs().length, f.jumpMs().length,
                    f.renderer());
        }
        out.flush();
        return 0;
    }
}
