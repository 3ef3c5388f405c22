package dev.blockstep.engine.image;

import java.util.HashMap;
import java.util.Map;

/**
 * Two 64-bit hashes of each page of a {@link HostFile} whose hash is known, for its digest. The file drops a page's
 * entry whenever the page's bytes or its mapping change; a copy starts with the entries of the file it copies, as
 * the two share their pages unchanged.
 */
final class PageHashes {
    /** A stored page of zeros, which the digest leaves out as it would a hole. */
    static final long[] ZERO_PAGE = new long[0];

    private static final java.lang.invoke.VarHandle WORDS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    /** The hashes of each shared filled page, known without reading it: data writes make many. */
    private static final long[][] FILLED = new long[256][];

    static {
        for (int v = 1; v < 256; v++) {
            FILLED[v] = hashWords(null, v * 0x0101010101010101L);
        }
    }

    private final Map<Long, long[]> known;

    PageHashes() {
        this(new HashMap<>());
    }

    private PageHashes(Map<Long, long[]> known) {
        this.known = known;
    }

    PageHashes copy() {
        return new PageHashes(new HashMap<>(known));
    }

    /** The hashes of page {@code index}, whose bytes are {@code bytes}; {@link #ZERO_PAGE} when all are zero. */
    long[] of(long index, byte[] bytes) {
        long[] h = known.get(index);
        if (h == null) {
            h = isZero(bytes) ? ZERO_PAGE : hashWords(bytes, 0);
            known.put(index, h);
        }
        return h;
    }

    /** Page {@code index} now holds the shared page every byte of which is {@code value} (not zero). */
    void filled(long index, byte value) {
        known.put(index, FILLED[value & 0xff]);
    }

    /** Page {@code index} changes or goes. */
    void forget(long index) {
        known.remove(index);
    }

    /** The hashes of a page's words, or, with {@code p} null, of a page whose every word is {@code word}. */
    private static long[] hashWords(byte[] p, long word) {
        long a = 0x243F6A8885A308D3L;
        long b = 0x13198A2E03707344L;
        for (int i = 0; i < HostFile.PAGE_SIZE; i += 8) {
            long w = p == null ? word : (long) WORDS.get(p, i);
            a = mix(a ^ w) + 0x9E3779B97F4A7C15L;
            b = (b + w) * 0xFF51AFD7ED558CCDL ^ (b >>> 29);
        }
        return new long[] {mix(a), mix(b ^ a)};
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    /** A 64-bit finaliser (SplitMix64's), also for {@link HostFile#contentHash}. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
