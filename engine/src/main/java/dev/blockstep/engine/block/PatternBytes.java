package dev.blockstep.engine.block;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Read-only buffers of one byte value, shared by every write of that pattern. qemu-io's {@code -P} fills a
 * fresh buffer per request; here the host file copies what it is given, so one buffer per pattern serves every
 * chunk and a write costs no allocation. Callers must never write into what {@link #of} returns.
 */
final class PatternBytes {
    private static final AtomicReferenceArray<byte[]> CACHE = new AtomicReferenceArray<>(256);

    private PatternBytes() {
    }

    /** At least {@code len} bytes of {@code pattern}; possibly longer. */
    static byte[] of(int pattern, int len) {
        int p = pattern & 0xff;
        byte[] b = CACHE.get(p);
        if (b != null && b.length >= len) {
            return b;
        }
        byte[] grown = new byte[Math.max(len, b == null ? 0 : b.length * 2)];
        if (p != 0) {
            Arrays.fill(grown, (byte) p);
        }
        CACHE.set(p, grown);
        return grown;
    }
}
