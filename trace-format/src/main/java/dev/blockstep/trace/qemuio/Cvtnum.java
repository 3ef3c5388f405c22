package dev.blockstep.trace.qemuio;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * qemu-io's {@code cvtnum}: a byte count, decimal or 0x-hex, with an optional binary suffix
 * (b/B, k/K, m/M, g/G, t/T, p/P, e/E) and, for decimal numbers with a suffix, a fraction ({@code 1.5k}).
 * A fraction of a byte is truncated, as qemu does.
 */
public final class Cvtnum {

    /** Why a number was refused, with qemu-io's message. */
    public static final class NumberException extends Exception {
        public NumberException(String message) {
            super(message);
        }
    }

    private static final BigInteger INT64_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private Cvtnum() {
    }

    public static long parse(String text) throws NumberException {
        BigInteger value = parseUnbounded(text);
        if (value.compareTo(INT64_MAX) > 0) {
            throw new NumberException("Parsing error: argument too large -- " + text);
        }
        return value.longValueExact();
    }

    /**
     * qemu_strtosz's grammar with no upper bound: the caller applies its own (qemu-img's size options take up to
     * 2^64 - 1 and wrap it into an int64).
     */
    public static BigInteger parseUnbounded(String text) throws NumberException {
        String s = text.strip();
        if (s.isEmpty() || s.startsWith("-")) {
            throw invalid(text);
        }
        int shift = 0;
        char last = s.charAt(s.length() - 1);
        boolean hex = s.startsWith("0x") || s.startsWith("0X");
        int suffix = suffixShift(last);
        if (suffix >= 0 && !(hex && isHexDigit(last))) {
            shift = suffix;
            s = s.substring(0, s.length() - 1);
        }
        long plain = plainDecimal(s, shift);
        if (plain >= 0) {
            return BigInteger.valueOf(plain);
        }
        BigInteger value;
        try {
            if (hex) {
                String digits = s.substring(2);
                if (digits.isEmpty() || !digits.chars().allMatch(Cvtnum::isHexDigit)) {
                    throw invalid(text);
                }
                value = new BigInteger(digits, 16).shiftLeft(shift);
            } else {
                if (!s.matches("[0-9]+(\\.[0-9]*)?")) {
                    throw invalid(text);
                }
                BigDecimal d = new BigDecimal(s.endsWith(".") ? s + "0" : s);
                BigDecimal scaled = d.multiply(BigDecimal.valueOf(2).pow(shift));
                // qemu refuses a fraction of a byte when there is no suffix, and truncates otherwise.
                if (shift == 0 && scaled.stripTrailingZeros().scale() > 0) {
                    throw invalid(text);
                }
                value = scaled.toBigInteger();
            }
        } catch (NumberFormatException e) {
            throw invalid(text);
        }
        return value;
    }

    /**
     * Up to 18 decimal digits with no fraction, shifted without overflow: the common case, without BigDecimal or a
     * regular expression (every io command parses two or three numbers). -1 for anything else.
     */
    private static long plainDecimal(String digits, int shift) {
        int n = digits.length();
        if (n == 0 || n > 18) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v <= Long.MAX_VALUE >> shift ? v << shift : -1;
    }

    private static int suffixShift(char c) {
        return switch (Character.toLowerCase(c)) {
            case 'b' -> 0;
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            case 't' -> 40;
            case 'p' -> 50;
            case 'e' -> 60;
            default -> -1;
        };
    }

    private static boolean isHexDigit(int c) {
        return Character.digit(c, 16) >= 0;
    }

    private static NumberException invalid(String text) {
        return new NumberException("Parsing error: non-numeric argument, or extraneous/unrecognized suffix -- " + text);
    }
}
