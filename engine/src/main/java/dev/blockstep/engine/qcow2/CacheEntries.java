package dev.blockstep.engine.qcow2;

import java.util.Arrays;

/**
 * The entry table of one of qemu's Qcow2Cache objects (qcow2-cache.c): which table (or L2 slice) sits in which
 * entry, the entries' LRU order, and which entries are dirty. The engine keeps no table bytes here (its updates go
 * to the host file at once); what this decides is what qemu's cache write-backs write, and in which order:
 * qcow2_cache_write walks the entries by index, and an entry's index is where qcow2_cache_do_get put the table.
 *
 * <p>A get and its put are one call here ({@link #get}): the engine never holds a table across another get of the
 * same cache, so qemu's ref counts never steer the choice of a victim. The LRU counters are kept as ranks (1 for the
 * least recently put, 0 for an unused entry): the victim choice only compares them, and ranks let two states that
 * differ only in how many gets they made hash alike.
 */
final class CacheEntries {
    private final long[] offset;
    private final int[] rank;
    private final boolean[] dirty;
    /** Bytes per entry: a cluster, or a 4 KiB slice of an L2 table when the cache cannot hold the whole disk. */
    private final int tableSize;
    private int used;

    CacheEntries(int entries, int tableSize) {
        this.offset = new long[entries];
        this.rank = new int[entries];
        this.dirty = new boolean[entries];
        this.tableSize = tableSize;
    }

    int size() {
        return offset.length;
    }

    int tableSize() {
        return tableSize;
    }

    /** The start of the cache table (the cluster, or the L2 slice) that holds the byte at {@code at}. */
    long tableOf(long at) {
        return at - Math.floorMod(at, (long) tableSize);
    }

    /**
     * Where the table at {@code table} is cached, or -1: qcow2_cache_do_get's lookup, which starts at a slot
     * derived from the offset and wraps around.
     */
    int find(long table) {
        int start = lookupIndex(table);
        int i = start;
        do {
            if (offset[i] == table) {
                return i;
            }
            i = i + 1 == offset.length ? 0 : i + 1;
        } while (i != start);
        return -1;
    }

    /**
     * On a miss, the entry qcow2_cache_do_get replaces: the lowest LRU counter met first from the lookup slot on.
     * The caller writes it back if dirty, then {@link #load}s the table into it.
     */
    int victim(long table) {
        int start = lookupIndex(table);
        int best = -1;
        int i = start;
        do {
            if (best == -1 || rank[i] < rank[best]) {
                best = i;
            }
            i = i + 1 == offset.length ? 0 : i + 1;
        } while (i != start);
        return best;
    }

    boolean isDirty(int i) {
        return dirty[i] && offset[i] != 0;
    }

    long offsetAt(int i) {
        return offset[i];
    }

    /** The table now sits in entry {@code i} (clean), and is put back at once. */
    void load(int i, long table) {
        forget(i);
        offset[i] = table;
        put(i);
    }

    /** qcow2_cache_put: entry {@code i} becomes the most recently used. */
    void put(int i) {
        int r = rank[i];
        if (r == used && r != 0) {
            return;
        }
        if (r == 0) {
            used++;
        } else {
            for (int j = 0; j < rank.length; j++) {
                if (rank[j] > r) {
                    rank[j]--;
                }
            }
        }
        rank[i] = used;
    }

    void markDirty(int i) {
        dirty[i] = true;
    }

    /** A write-back of entry {@code i} completed. */
    void clean(int i) {
        dirty[i] = false;
    }

    /** qcow2_cache_discard: the freed table leaves the cache unwritten. */
    void discard(long table) {
        int i = find(table);
        if (i >= 0) {
            forget(i);
            offset[i] = 0;
            dirty[i] = false;
        }
    }

    /** Whether any entry would be written by a write-back of the cache. */
    boolean anyDirty() {
        for (int i = 0; i < offset.length; i++) {
            if (isDirty(i)) {
                return true;
            }
        }
        return false;
    }

    private void forget(int i) {
        int r = rank[i];
        if (r == 0) {
            return;
        }
        for (int j = 0; j < rank.length; j++) {
            if (rank[j] > r) {
                rank[j]--;
            }
        }
        rank[i] = 0;
        used--;
    }

    private int lookupIndex(long table) {
        return (int) Long.remainderUnsigned(table / tableSize * 4, offset.length);
    }

    @Override
    public String toString() {
        return "CacheEntries" + Arrays.toString(offset);
    }
}
