package dev.blockstep.engine.qcow2;

import dev.blockstep.engine.image.HostFile;
import java.util.AbstractList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The active L1 table as qemu keeps it in memory (s->l1_table), holding only its non-zero entries: a 2 PiB image
 * has a 32 MiB L1 table of which a workload touches a few entries, and every engine opens the image again, so
 * opening, walking and copying it must cost what is stored, not the table's length.
 */
final class L1Table {
    private final int size;
    private final TreeMap<Integer, Long> entries = new TreeMap<>();

    private L1Table(int size) {
        this.size = size;
    }

    /** Reads {@code size} entries at {@code offset}, visiting only the file's stored pages in that range. */
    static L1Table read(HostFile file, long offset, int size) {
        L1Table t = new L1Table(size);
        long end = offset + 8L * size;
        for (long page : file.storedPages(offset, 8L * size)) {
            long from = Math.max(offset, page << HostFile.PAGE_BITS);
            long to = Math.min(end, (page + 1) << HostFile.PAGE_BITS);
            // every entry with a byte in this page, read whole (an entry may straddle two pages)
            for (long at = offset + (from - offset) / 8 * 8; at < to; at += 8) {
                long v = file.readBe64(at);
                if (v != 0) {
                    t.entries.put((int) ((at - offset) / 8), v);
                }
            }
        }
        return t;
    }

    /** A table of {@code newSize} entries holding this one's (qcow2_grow_l1_table's copy). */
    L1Table withSize(int newSize) {
        L1Table t = new L1Table(newSize);
        t.entries.putAll(entries.headMap(newSize));
        return t;
    }

    int size() {
        return size;
    }

    long get(int i) {
        Long v = entries.get(i);
        return v == null ? 0 : v;
    }

    void set(int i, long v) {
        if (v == 0) {
            entries.remove(i);
        } else {
            entries.put(i, v);
        }
    }

    /** The first index at or after {@code from} whose entry is not zero, or -1. */
    int nextNonZero(int from) {
        Integer k = entries.ceilingKey(from);
        return k == null ? -1 : k;
    }

    /** The non-zero entries, by index ascending (live; do not change the table while walking it). */
    Iterable<Map.Entry<Integer, Long>> nonZero() {
        return entries.entrySet();
    }

    /** An immutable copy as a list of every entry, zeros included, that stores only the non-zero ones. */
    List<Long> view() {
        TreeMap<Integer, Long> copy = new TreeMap<>(entries);
        return new AbstractList<>() {
            @Override
            public Long get(int i) {
                if (i < 0 || i >= size) {
                    throw new IndexOutOfBoundsException(i);
                }
                return copy.getOrDefault(i, 0L);
            }

            @Override
            public int size() {
                return size;
            }
        };
    }
}
