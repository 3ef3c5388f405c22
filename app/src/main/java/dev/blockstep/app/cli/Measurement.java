package dev.blockstep.app.cli;

import java.util.Arrays;

/** One benchmark row: the median, min and max of its timed repetitions, in {@code unit}. */
record Measurement(String name, String unit, double median, double min, double max, int repetitions) {

    static Measurement of(String name, String unit, double[] samples) {
        double[] s = samples.clone();
        Arrays.sort(s);
        int n = s.length;
        double median = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
        return new Measurement(name, unit, median, s[0], s[n - 1], n);
    }
}
