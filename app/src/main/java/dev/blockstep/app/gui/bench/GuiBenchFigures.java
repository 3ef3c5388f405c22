package dev.blockstep.app.gui.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code blockstep bench --gui} measured, in milliseconds from the key (or slider) command to the rendered
 * frame. No JavaFX types, so the command line can print it.
 *
 * @param steps the workload's steps at its end
 * @param renderer the toolkit's graphics pipeline (software or OpenGL)
 * @param cpu the CPU time of the same commands
 */
public record GuiBenchFigures(double openMs, double[] stepMs, double[] backMs, double[] jumpMs, int steps,
                              String renderer, Cpu cpu) {

    /** CPU time of the Java threads per command, in ms, from the command to its frame. */
    public record Cpu(double[] stepMs, double[] backMs, double[] jumpMs) {
    }

    /** The medians of the CPU times, beside the wall-clock figures. */
    public Map<String, Double> cpuFigures() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("stepCpuMedianMs", percentile(cpu.stepMs(), 50));
        m.put("backCpuMedianMs", percentile(cpu.backMs(), 50));
        m.put("jumpCpuMedianMs", percentile(cpu.jumpMs(), 50));
        return m;
    }

    /** The five figures the issue names, in its order. */
    public Map<String, Double> figures() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("stepMedianMs", percentile(stepMs, 50));
        m.put("stepP95Ms", percentile(stepMs, 95));
        m.put("backMedianMs", percentile(backMs, 50));
        m.put("jumpMedianMs", percentile(jumpMs, 50));
        m.put("openMs", openMs);
        return m;
    }

    /** Nearest-rank percentile. */
    static double percentile(double[] samples, int p) {
        double[] s = samples.clone();
        Arrays.sort(s);
        int rank = (int) Math.ceil(p / 100.0 * s.length);
        return s[Math.max(0, rank - 1)];
    }
}
