package dev.blockstep.engine.block;

/**
 * BdrvRequestFlags as a value, with qemu's bit values so that traces print the same hex (e.g. 0x16 for
 * {@code aio_write -z -u} in writethrough mode).
 */
public record RequestFlags(int bits) {
    public static final int ZERO_WRITE = 0x2;
    public static final int MAY_UNMAP = 0x4;
    public static final int FUA = 0x10;
    public static final int WRITE_COMPRESSED = 0x20;
    public static final int SERIALISING = 0x80;
    public static final int NO_FALLBACK = 0x100;

    public static final RequestFlags NONE = new RequestFlags(0);

    public static RequestFlags of(int... flags) {
        int b = 0;
        for (int f : flags) {
            b |= f;
        }
        return new RequestFlags(b);
    }

    public boolean has(int flag) {
        return (bits & flag) == flag;
    }

    public RequestFlags with(int flag) {
        return new RequestFlags(bits | flag);
    }

    public RequestFlags without(int flag) {
        return new RequestFlags(bits & ~flag);
    }

    /** As qemu's trace events print it, e.g. "0x16". */
    public String hex() {
        return "0x" + Integer.toHexString(bits);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(hex());
        String sep = " (";
        for (var e : new Object[][] {{ZERO_WRITE, "ZERO_WRITE"}, {MAY_UNMAP, "MAY_UNMAP"}, {FUA, "FUA"},
                {SERIALISING, "SERIALISING"}, {NO_FALLBACK, "NO_FALLBACK"}}) {
            if (has((Integer) e[0])) {
                sb.append(sep).append(e[1]);
                sep = "|";
            }
        }
        return sep.equals(" (") ? sb.toString() : sb.append(')').toString();
    }
}
