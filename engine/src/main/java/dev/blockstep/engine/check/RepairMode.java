package dev.blockstep.engine.check;

/** qemu-img check's {@code -r}: BdrvCheckMode's two bits. */
public enum RepairMode {
    /** No {@code -r}: the image is opened read-only and never changes. */
    NONE,
    /** {@code -r leaks}: BDRV_FIX_LEAKS. */
    LEAKS,
    /** {@code -r all}: BDRV_FIX_LEAKS | BDRV_FIX_ERRORS. */
    ALL;

    boolean fixLeaks() {
        return this != NONE;
    }

    boolean fixErrors() {
        return this == ALL;
    }

    /** The -r argument as qemu-img parses it, or null when qemu-img would refuse it. */
    public static RepairMode parse(String arg) {
        return switch (arg) {
            case "leaks" -> LEAKS;
            case "all" -> ALL;
            default -> null;
        };
    }
}
