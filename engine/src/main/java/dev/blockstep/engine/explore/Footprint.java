package dev.blockstep.engine.explore;

import java.util.Arrays;

/**
 * The shared things one macro step touched. Two macro steps are independent when their footprints share
 * nothing; every resource counts as written, which over-approximates dependence and so keeps the reduction
 * sound. A step holding s->lock may change any metadata or punch any cluster, so it touches the whole image,
 * which conflicts with every data I/O on a single host cluster.
 *
 * @param keys sorted resource keys, see the {@code *_KEY} constants and {@link #host(long)}
 */
public record Footprint(long[] keys) {
    static final long COROUTINE = 1L << 56;
    /** s->lock, and therefore every driver state it guards (cluster_allocs, caches, free_cluster_index). */
    public static final long LOCK_KEY = 2L << 56;
    /** bs->tracked_requests and serialising_in_flight. */
    public static final long TRACKED_KEY = 3L << 56;
    /** The node's flush serialisation (active_flush, flush_queue). */
    public static final long FLUSH_KEY = 4L << 56;
    /** The whole host file, written or punched under s->lock. */
    public static final long IMAGE_KEY = 5L << 56;
    static final long HOST = 6L << 56;
    private static final long KIND = 0xffL << 56;

    public Footprint {
        keys = keys.clone();
        Arrays.sort(keys);
    }

    public static long coroutine(int id) {
        return COROUTINE | id;
    }

    /** One host cluster's data. */
    public static long host(long cluster) {
        return HOST | cluster;
    }

    /** True when the two steps commute: they touch nothing in common. */
    public boolean independentOf(Footprint o) {
        boolean myImage = contains(IMAGE_KEY);
        boolean theirImage = o.contains(IMAGE_KEY);
        int i = 0;
        int j = 0;
        while (i < keys.length && j < o.keys.length) {
            long a = keys[i];
            long b = o.keys[j];
            if (a == b) {
                return false;
            }
            if (a < b) {
                i++;
            } else {
                j++;
            }
        }
        if (myImage && o.touchesHost() || theirImage && touchesHost()) {
            return false;
        }
        return true;
    }

    public boolean contains(long key) {
        return Arrays.binarySearch(keys, key) >= 0;
    }

    private boolean touchesHost() {
        for (long k : keys) {
            if ((k & KIND) == HOST) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Footprint f && Arrays.equals(keys, f.keys);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(keys);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (long k : keys) {
            if (sb.length() > 1) {
                sb.append(' ');
            }
            long kind = k & KIND;
            long v = k & ~KIND;
            sb.append(kind == COROUTINE ? "co" + v : kind == LOCK_KEY ? "s->lock" : kind == TRACKED_KEY ? "tracked"
                    : kind == FLUSH_KEY ? "flush" : kind == IMAGE_KEY ? "image" : "host-cluster" + v);
        }
        return sb.append('}').toString();
    }
}
