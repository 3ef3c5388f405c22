package dev.blockstep.app.gui.present;

/** Offsets as the qemu tools print them. */
public final class Hex {
    private Hex() {
    }

    public static String of(long v) {
        return "0x" + Long.toHexString(v);
    }

    /** Raw 64-bit table entries, zero-padded to 16 digits so bit flags line up in tooltips. */
    public static String raw64(long v) {
        return String.format("0x%016x", v);
    }

    /** 65536 -> "64k", as qemu-io prints sizes. */
    public static String size(long bytes) {
        if (bytes != 0 && bytes % (1L << 30) == 0) {
            return bytes / (1L << 30) + "G";
        }
        if (bytes != 0 && bytes % (1L << 20) == 0) {
            return bytes / (1L << 20) + "M";
        }
        if (bytes != 0 && bytes % 1024 == 0) {
            return bytes / 1024 + "k";
        }
        return Long.toString(bytes);
    }
}
