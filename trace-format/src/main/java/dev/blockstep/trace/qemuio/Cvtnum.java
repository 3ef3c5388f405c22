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
        if (value.compareTo(INT64_MAX) > 0) {
            throw new NumberException("Parsing error: argument too large -- " + text);
        }
        return value.longValueExact();
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
