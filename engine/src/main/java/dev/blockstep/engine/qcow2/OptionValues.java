package dev.blockstep.engine.qcow2;

import dev.blockstep.trace.qemuio.Cvtnum;
import java.math.BigInteger;
import java.util.Map;

/**
 * How QemuOpts reads a typed option's string (qemu_opt_parse): booleans as qapi_bool_parse takes them, sizes as
 * qemu_strtosz (suffixes k to E, fractions with a suffix), numbers as qemu_strtou64 (decimal, 0x hex, 0 octal,
 * a minus sign wrapping around). A bad value fails with qemu's own line, without the "qemu-io: " start.
 */
public final class OptionValues {
    /** A value qemu refuses; the message is qemu's error text (one or more lines). */
    public static final class OptionException extends Exception {
        public OptionException(String message) {
            super(message);
        }
    }

    private static final BigInteger U64 = BigInteger.ONE.shiftLeft(64);

    private OptionValues() {
    }

    /** The boolean under {@code key}, or {@code dflt} when it is not given. */
    public static boolean bool(Map<String, String> opts, String key, boolean dflt) throws OptionException {
        String v = opts.get(key);
        if (v == null) {
            return dflt;
        }
        return switch (v) {
            case "on", "yes", "true", "y" -> true;
            case "off", "no", "false", "n" -> false;
            default -> throw new OptionException("Parameter '" + key + "' expects 'on' or 'off'");
        };
    }

    /** The size under {@code key} (an unsigned 64-bit value, kept below 2^63 here), or {@code dflt}. */
    public static long size(Map<String, String> opts, String key, long dflt) throws OptionException {
        String v = opts.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            return Cvtnum.parse(v);
        } catch (Cvtnum.NumberException e) {
            if (e.getMessage().contains("too large")) {
                throw new OptionException("Value '" + v + "' is out of range for parameter '" + key + "'");
            }
            throw new OptionException("Parameter '" + key + "' expects a non-negative number below 2^64\n"
                    + "Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, tera-, peta-\n"
                    + "and exabytes, respectively.");
        }
    }

    /** The number under {@code key} as an unsigned 64-bit value (a BigInteger below 2^64), or {@code dflt}. */
    public static BigInteger number(Map<String, String> opts, String key, long dflt) throws OptionException {
        String v = opts.get(key);
        if (v == null) {
            return BigInteger.valueOf(dflt);
        }
        String s = v.strip();
        boolean negative = s.startsWith("-");
        if (negative || s.startsWith("+")) {
            s = s.substring(1);
        }
        int radix = 10;
        if (s.length() > 2 && (s.startsWith("0x") || s.startsWith("0X"))) {
            radix = 16;
            s = s.substring(2);
        } else if (s.length() > 1 && s.startsWith("0")) {
            radix = 8;
        }
        BigInteger n;
        try {
            n = new BigInteger(s, radix);
        } catch (NumberFormatException e) {
            throw new OptionException("Parameter '" + key + "' expects a number");
        }
        if (n.signum() < 0 || n.compareTo(U64) >= 0) {
            throw new OptionException("Parameter '" + key + "' expects a number");
        }
        return negative ? U64.subtract(n).mod(U64) : n;
    }
}
