package dev.blockstep.trace.qemuio;

import java.math.BigInteger;

/**
 * One whole word read as C's strtol family reads it with base 0: an optional sign, then 0x hex, 0 octal or
 * decimal digits. qemu-io's sleep (strtol) and QemuOpts' number options (qemu_strtou64) differ only in what they do
 * with the sign and with overflow, so each caller applies its own rule to the sign and magnitude kept here.
 */
public record CInteger(boolean negative, BigInteger magnitude) {

    /** The word's sign and magnitude, or null when the word is not one integer from end to end. */
    public static CInteger parse(String word) {
        boolean negative = word.startsWith("-");
        String t = negative || word.startsWith("+") ? word.substring(1) : word;
        int radix = 10;
        if (t.length() > 2 && (t.startsWith("0x") || t.startsWith("0X"))) {
            radix = 16;
            t = t.substring(2);
        } else if (t.length() > 1 && t.startsWith("0")) {
            radix = 8;
            t = t.substring(1);
        }
        int base = radix;
        if (t.isEmpty() || !t.chars().allMatch(c -> Character.digit(c, base) >= 0)) {
            return null;
        }
        return new CInteger(negative, new BigInteger(t, base));
    }
}
