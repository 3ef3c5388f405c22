package dev.blockstep.engine.check;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reference counts per host cluster, stored in pages so that an image whose file is mostly holes (or a
 * crafted header naming far-away clusters) costs memory only for the clusters actually referenced.
 */
final class SparseCounts {

    private static final int PAGE_BITS = 12;
    private static final int PAGE_SIZE = 1 << PAGE_BITS;

    private final TreeMap<Long, long[]> pages = new TreeMap<>();

    long get(long cluster) {
        long[] p = pages.get(cluster >>> PAGE_BITS);
        return p == null ? 0 : p[(int) (cluster & (PAGE_SIZE - 1))];
    }

    void set(long cluster, long value) {
        pages.computeIfAbsent(cluster >>> PAGE_BITS, k -> new long[PAGE_SIZE])[(int) (cluster & (PAGE_SIZE - 1))] = value;
    }

    /** The first cluster at or after {@code from} with a non-zero count, or -1 when there is none. */
    long nextNonZero(long from) {
        for (Map.Entry<Long, long[]> e : pages.tailMap(from >>> PAGE_BITS, true).entrySet()) {
            long base = e.getKey() << PAGE_BITS;
            long[] p = e.getValue();
            for (int i = (int) Math.max(0, from - base); i < PAGE_SIZE; i++) {
                if (p[i] != 0) {
                    return base + i;
                }
            }
        }
        return -1;
    }

    /** Clusters with a non-zero count, ascending. */
    long[] nonZero() {
        Long[] keys = pages.keySet().toArray(new Long[0]);
        Arrays.sort(keys);
        long[] out = new long[16];
        int n = 0;
        for (long k : keys) {
            long[] p = pages.get(k);
            for (int i = 0; i < PAGE_SIZE; i++) {
                if (p[i] != 0) {
                    if (n == out.length) {
                        out = Arrays.copyOf(out, n * 2);
                    }
                    out[n++] = (k << PAGE_BITS) + i;
                }
            }
        }
        return Arrays.copyOf(out, n);
    }
}
