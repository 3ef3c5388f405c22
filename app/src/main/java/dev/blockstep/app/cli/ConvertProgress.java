package dev.blockstep.app.cli;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * qemu-img's -p progress (util/qemu-progress.c with min_skip 1.0): "    (P/100%)" and a carriage return whenever the
 * figure has moved by more than one point since the last print, or is 0 or 100; a newline at the end. Off (-q, or
 * without -p) it prints nothing.
 */
final class ConvertProgress {
    private final boolean enabled;
    private final PrintWriter out;
    private float current;
    private float lastPrint;

    ConvertProgress(boolean enabled, PrintWriter out) {
        this.enabled = enabled;
        this.out = out;
    }

    /** qemu_progress_print(delta, max): with max 0 the figure becomes {@code delta}, else it grows by delta% of max. */
    void print(double delta, int max) {
        float now = max == 0 ? (float) delta : (float) (current + delta / 100 * max);
        current = Math.min(now, 100f);
        if (current > lastPrint + 1f || current < lastPrint - 1f || current == 100f || current == 0f) {
            lastPrint = current;
            if (enabled) {
                // printf's %3.2f rounds the float's exact binary value, ties to even
                out.print("    (" + new BigDecimal((double) current).setScale(2, RoundingMode.HALF_EVEN).toPlainString()
                        + "/100%)\r");
                out.flush();
            }
        }
    }

    void end() {
        if (enabled) {
            out.print("\n");
            out.flush();
        }
    }
}
