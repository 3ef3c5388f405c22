package dev.blockstep.engine.block;

/** qemu-io's print_report: the timing line with qemu's number formatting (cvtstr, timestr). */
public final class QemuIoReport {
    private QemuIoReport() {
    }

    /** The line after "wrote 65536/65536 bytes at offset 0": count and rates for one op that took nanos. */
    public static String timing(long count, long nanos) {
        double secs = nanos / 1e9;
        return cvtstr(count) + ", 1 ops; " + timestr(nanos) + " (" + cvtstr(count / secs) + "/sec and "
                + printf(1 / secs, 4) + " ops/sec)";
    }

    /**
     * What -C prints after "bytes,ops": ",H:MM:SS.ss,bytes/sec,ops/sec" (timestr's VERBOSE_FIXED_TIME form, rates
     * with three decimals) for one op of {@code count} bytes that took nanos.
     */
    public static String parsableTiming(long count, long nanos) {
        double secs = nanos / 1e9;
        return "," + fixedTime(nanos) + "," + printf(count / secs, 3) + "," + printf(1 / secs, 3);
    }

    public static String cvtstr(double value) {
        String[] suffixes = {" EiB", " PiB", " TiB", " GiB", " MiB", " KiB"};
        int[] shifts = {60, 50, 40, 30, 20, 10};
        String s = null;
        String suffix = " bytes";
        for (int i = 0; i < shifts.length; i++) {
            double unit = Math.pow(2, shifts[i]);
            if (value >= unit) {
                s = printf(value / unit, 3);
                suffix = suffixes[i];
                break;
            }
        }
        if (s == null) {
            s = printf(value, 6);
        }
        int trim = s.indexOf(".000");
        return (trim >= 0 ? s.substring(0, trim) : s) + suffix;
    }

    /**
     * printf's %.Nf: glibc rounds the double's exact binary value, ties to even (634.5625 prints as 634.562),
     * where Java's formatter rounds half up.
     */
    static String printf(double value, int decimals) {
        // Every io command prints two of these, and BigDecimal's exact expansion was a tenth of a 5000-command
        // run's CPU. value * 10^decimals is within scaled * 2^-53 of the exact product (10^decimals is exact), so
        // below 2^40 that error is under 2^-13: when the fraction is further than that from one half, rounding
        // the double rounds the exact value the same way. Ties and large values take the exact path.
        double scaled = value * POWERS[decimals];
        if (value >= 0 && scaled < 0x1p40) {
            double floor = Math.floor(scaled);
            double frac = scaled - floor;
            if (Math.abs(frac - 0.5) > 0x1p-10) {
                long digits = (long) floor + (frac > 0.5 ? 1 : 0);
                return withPoint(digits, decimals);
            }
            // Near one half: fma gives the product's rounding error exactly, so frac - 0.5 + error has the sign of
            // the exact value's distance from the tie (zero on a true tie, which goes to the even neighbour).
            double above = (frac - 0.5) + Math.fma(value, POWERS[decimals], -scaled);
            boolean up = above > 0 || above == 0 && ((long) floor & 1) == 1;
            return withPoint((long) floor + (up ? 1 : 0), decimals);
        }
        return exactPrintf(value, decimals);
    }

    private static final double[] POWERS = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};

    static String exactPrintf(double value, int decimals) {
        return new java.math.BigDecimal(value).setScale(decimals, java.math.RoundingMode.HALF_EVEN).toPlainString();
    }

    private static String withPoint(long digits, int decimals) {
        String d = Long.toString(digits);
        if (decimals == 0) {
            return d;
        }
        if (d.length() <= decimals) {
            d = "0".repeat(decimals - d.length() + 1) + d;
        }
        return d.substring(0, d.length() - decimals) + "." + d.substring(d.length() - decimals);
    }

    /** timestr: "%05.2f sec" below a second, else "%d:%02d:%05.2f"; printf's rounding, as for the rates. */
    static String timestr(long nanos) {
        long sec = nanos / 1_000_000_000L;
        double frac = (nanos % 1_000_000_000L) / 1e9;
        if (sec > 0) {
            return fixedTime(nanos);
        }
        return zeroPadded(printf(frac, 2), 5) + " sec";
    }

    /** timestr's "%u:%02u:%05.2f" (hours, minutes, seconds with their fraction). */
    private static String fixedTime(long nanos) {
        long sec = nanos / 1_000_000_000L;
        long minutes = (sec / 60) % 60;
        return sec / 3600 + ":" + (minutes < 10 ? "0" : "") + minutes + ":"
                + zeroPadded(printf((sec % 60) + (nanos % 1_000_000_000L) / 1e9, 2), 5);
    }

    /** printf's 0 flag with a width: zeros in front up to {@code width} characters (the values are not negative). */
    private static String zeroPadded(String s, int width) {
        return s.length() >= width ? s : "0".repeat(width - s.length()) + s;
    }
}
