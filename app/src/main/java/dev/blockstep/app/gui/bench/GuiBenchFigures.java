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
 */
public record GuiBenchFigures(double openMs, double[] stepMs, double[] backMs, double[] jumpMs, int steps,
                              String renderer) {

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
