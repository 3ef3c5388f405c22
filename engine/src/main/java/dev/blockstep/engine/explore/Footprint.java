package dev.blockstep.engine.explore;

import dev.blockstep.engine.snapshot.Resource;
import dev.blockstep.engine.snapshot.Step;
import dev.blockstep.engine.snapshot.Touch;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * The shared state one macro step touched, as its steps declared it ({@link Step#touches()}). Two macro
 * steps are independent when neither writes anything the other reads or writes, and neither adds to a counter
 * the other reads; they then give the same state in either order, which is what lets the sleep sets skip one of
 * the orders. Two additions to one counter commute.
 *
 * @param writes sorted keys of the resources written
 * @param reads  sorted keys of the resources only read, counters read included
 * @param adds   sorted keys of the counters added to ({@link Resource.Counter})
 */
public record Footprint(long[] writes, long[] reads, long[] adds) {
    private static final long COROUTINE = 1L << 56;
    private static final long MUTEX = 2L << 56;
    private static final long SHARED = 3L << 56;
    private static final long COUNTER = 4L << 56;
    private static final long HOST = 6L << 56;
    private static final long KIND = 0xffL << 56;

    public Footprint {
        writes = writes.clone();
        reads = reads.clone();
        adds = adds.clone();
        Arrays.sort(writes);
        Arrays.sort(reads);
        Arrays.sort(adds);
    }

    /** The union of what {@code steps} declared; a resource written by one and read by another counts as written. */
    public static Footprint of(List<Step> steps) {
        TreeMap<Long, Boolean> keys = new TreeMap<>();
        java.util.TreeSet<Long> added = new java.util.TreeSet<>();
        for (Step st : steps) {
            for (Touch t : st.touches()) {
                if (t.resource() instanceof Resource.Counter && t.write()) {
                    added.add(key(t.resource()));
                } else {
                    keys.merge(key(t.resource()), t.write(), Boolean::logicalOr);
                }
            }
        }
        long[] w = keys.entrySet().stream().filter(e -> e.getValue()).mapToLong(e -> e.getKey()).toArray();
        long[] r = keys.entrySet().stream().filter(e -> !e.getValue()).mapToLong(e -> e.getKey()).toArray();
        return new Footprint(w, r, added.stream().mapToLong(Long::longValue).toArray());
    }

    /**
     * A resource as a sortable key. Mutexes are told apart by a hash of their name: two names with one hash would
     * only make the steps look dependent, which costs schedules but never misses one.
     */
    static long key(Resource r) {
        if (r instanceof Resource.CoroutineState c) {
            return COROUTINE | c.id();
        }
        if (r instanceof Resource.Mutex m) {
            return MUTEX | (m.name().hashCode() & 0xffff_ffffL);
        }
        if (r instanceof Resource.Shared s) {
            return SHARED | s.ordinal();
        }
        if (r instanceof Resource.Counter c) {
            return COUNTER | c.ordinal();
        }
        return HOST | ((Resource.HostCluster) r).index();
    }

    /** True when the two macro steps commute: no write of one meets a read or write of the other. */
    public boolean independentOf(Footprint o) {
        return !meets(writes, o.writes) && !meets(writes, o.reads) && !meets(reads, o.writes)
                && !meets(adds, o.reads) && !meets(reads, o.adds);
    }

    private static boolean meets(long[] a, long[] b) {
        int i = 0;
        int j = 0;
        while (i < a.length && j < b.length) {
            if (a[i] == b[j]) {
                return true;
            }
            if (a[i] < b[j]) {
                i++;
            } else {
                j++;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Footprint f && Arrays.equals(writes, f.writes) && Arrays.equals(reads, f.reads)
                && Arrays.equals(adds, f.adds);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(writes) + Arrays.hashCode(reads)) + Arrays.hashCode(adds);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (long k : writes) {
            sb.append(sb.length() > 1 ? " " : "").append(describe(k));
        }
        for (long k : reads) {
            sb.append(sb.length() > 1 ? " " : "").append("read ").append(describe(k));
        }
        for (long k : adds) {
            sb.append(sb.length() > 1 ? " " : "").append("add ").append(describe(k));
        }
        return sb.append('}').toString();
    }

    private static String describe(long k) {
        long kind = k & KIND;
        long v = k & ~KIND;
        if (kind == COROUTINE) {
            return "co" + v;
        }
        if (kind == MUTEX) {
            return "mutex#" + Long.toHexString(v);
        }
        if (kind == COUNTER) {
            return Resource.Counter.values()[(int) v].name().toLowerCase(java.util.Locale.ROOT);
        }
        if (kind == SHARED) {
            return Resource.Shared.values()[(int) v].name().toLowerCase(java.util.Locale.ROOT);
        }
        return "host-cluster" + v;
    }
}
