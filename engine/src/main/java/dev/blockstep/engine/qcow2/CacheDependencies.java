package dev.blockstep.engine.qcow2;

import dev.blockstep.engine.snapshot.Resource;

/**
 * When qemu's two metadata caches make the driver flush the file node, and when the file node's write_gen moves.
 * The engine writes table updates through ({@link HeldTables}), so the bytes never wait for a cache flush; but in
 * qemu, qcow2_cache_flush ends in bdrv_flush(bs->file) with s->lock held, and that flush queues on the file node's
 * flush_queue behind any other flush of the file and yields for its fdatasync. This class follows the state that
 * decides those flushes, as qcow2-cache.c keeps it: whether each cache has a dirty table, which cache it depends on
 * (qcow2_cache_set_dependency), and depends_on_flush; it records the bdrv_flush(bs->file) calls of the operation
 * running, which the block layer then makes as steps before the operation releases s->lock.
 *
 * <p>write_gen is the file node's count of completed writes (bdrv_co_write_req_finish): guest data, COW, zero-fill
 * and punches, and the tables a cache write-back writes. bdrv_co_flush skips the fdatasync when nothing was written
 * since the last flush (flushed_gen == write_gen).
 */
final class CacheDependencies {
    /** One of the two caches. */
    enum Cache { L2, REFCOUNT }

    /** Each cache's entries, by {@link Cache} ordinal. */
    private final CacheEntries[] entries;
    private final boolean[] dependsOnOther = new boolean[2];
    private final boolean[] dependsOnFlush = new boolean[2];
    @dev.blockstep.engine.snapshot.WriteGeneration
    private long writeGen;
    /** The cache I/O of the operation running, in qemu's order. */
    private final java.util.List<CacheIo> io = new java.util.ArrayList<>();
    private static final long[] NO_FLUSHES = new long[0];
    /** Where the step running declares that it adds to write_gen or reads it. */
    private final Qcow2State s;

    /** Told of each dirty table an eviction writes back. */
    interface EvictionListener {
        void wroteBack(Cache c, long table, long length);
    }

    private EvictionListener evictions = (c, table, length) -> { };

    void onEvict(EvictionListener l) {
        evictions = l;
    }

    CacheDependencies(Qcow2State s) {
        this.s = s;
        // the refcount cache's default size is MIN_REFCOUNT_CACHE_SIZE clusters
        this.entries = new CacheEntries[] {l2Cache(s), new CacheEntries(4, s.clusterSize)};
    }

    /**
     * The L2 cache qcow2_update_options_prepare makes by default: enough for the whole disk, capped at 32 MiB
     * (Linux), at least 2 entries; when the cap bites, its entries are 4 KiB slices of a table.
     */
    private static CacheEntries l2Cache(Qcow2State s) {
        long cs = s.clusterSize;
        long tables = (s.virtualSize / 512 * 512 + cs - 1) / cs;
        long wanted = (tables * 8 + cs - 1) / cs * cs;
        long size = Math.min(wanted, 32L << 20);
        int entrySize = size < wanted ? (int) Math.min(cs, 4096) : (int) cs;
        return new CacheEntries((int) Math.max(2, size / entrySize), entrySize);
    }

    /**
     * qcow2_cache_get and its put, of the table holding the byte at {@code at}: a miss evicts the least recently
     * used entry, writing it back first if dirty (qcow2_cache_entry_flush). Returns the entry's index.
     */
    int get(Cache c, long at) {
        CacheEntries e = entries[c.ordinal()];
        long table = e.tableOf(at);
        int i = e.find(table);
        if (i < 0) {
            i = e.victim(table);
            if (e.isDirty(i)) {
                long evicted = e.offsetAt(i);
                entryFlush(c, i);
                evictions.wroteBack(c, evicted, e.tableSize());
            }
            e.load(i, table);
        } else {
            e.put(i);
        }
        return i;
    }

    /** qcow2_cache_entry_mark_dirty of the table holding the byte at {@code at} (got first). */
    void markDirty(Cache c, long at) {
        CacheEntries e = entries[c.ordinal()];
        e.markDirty(get(c, at));
    }

    /** Every table (or slice) of the cluster at {@code cluster} got and marked dirty (l2_allocate's new table). */
    void markClusterDirty(Cache c, long cluster) {
        CacheEntries e = entries[c.ordinal()];
        for (long at = cluster; at < cluster + s.clusterSize; at += e.tableSize()) {
            markDirty(c, at);
        }
    }

    /** qcow2_cache_discard: a table freed while cached leaves both caches without a write-back. */
    void discard(long table) {
        for (CacheEntries e : entries) {
            e.discard(table);
        }
    }

    /** qcow2_cache_flush: write the cache back, then bdrv_flush(bs->file). */
    void cacheFlush(Cache c) {
        cacheWrite(c);
        fileFlush();
    }

    /** qcow2_cache_write: each dirty entry in index order (the first one flushes the dependency first). */
    void cacheWrite(Cache c) {
        traceWrite(c);
        CacheEntries e = entries[c.ordinal()];
        for (int i = 0; i < e.size(); i++) {
            entryFlush(c, i);
        }
    }

    /** The trace event qcow2_cache_write starts with. */
    void traceWrite(Cache c) {
        s.emit(new dev.blockstep.engine.event.EngineEvent.CacheFlush(s.co, c == Cache.L2));
    }

    /** qcow2_cache_entry_flush: nothing for a clean entry; else the dependency, then the entry's write. */
    private void entryFlush(Cache c, int i) {
        CacheEntries e = entries[c.ordinal()];
        if (!e.isDirty(i)) {
            return;
        }
        boolean l2 = c == Cache.L2;
        s.emit(new dev.blockstep.engine.event.EngineEvent.CacheEntryFlush(s.co, l2, i, e.offsetAt(i)));
        int k = c.ordinal();
        if (dependsOnOther[k]) {
            flushDependency(c);
        } else if (dependsOnFlush[k]) {
            fileFlush();
            dependsOnFlush[k] = false;
        }
        io.add(new CacheIo.EntryWrite(l2, i, e.offsetAt(i)));
        e.clean(i);
        addWrite();
    }

    /** Whether a write-back of either cache would write an entry. */
    boolean anyDirty() {
        return entries[0].anyDirty() || entries[1].anyDirty();
    }

    /** qcow2_cache_depends_on_flush: the cache's next write-back flushes the file first (after perform_cow). */
    void dependsOnFlush(Cache c) {
        dependsOnFlush[c.ordinal()] = true;
    }

    /** A write of the file node that completes now (data, COW, zero-fill, punch, an 8-byte L1 entry). */
    void fileWritten() {
        addWrite();
    }

    private void addWrite() {
        writeGen++;
        s.observer.accept(Resource.Counter.FILE_WRITE_GEN, true);
    }

    /** bdrv_flush(bs->file) made by the driver itself (bdrv_pwrite_sync of an L1 entry). */
    void fileFlush() {
        io.add(new CacheIo.FileFlush(writeGen()));
    }

    long writeGen() {
        s.observer.accept(Resource.Counter.FILE_WRITE_GEN, false);
        return writeGen;
    }

    /**
     * The file flushes the operation running made since the last call, each as the write_gen it read on entry (the
     * tables written after it in the same operation do not count for it); the cache I/O starts again empty. The
     * entry writes are left out: inside a request's lock-held step they are part of the step.
     */
    long[] takeFileFlushes() {
        // twice in every request step, nearly always empty: no stream pipeline for that
        if (io.isEmpty()) {
            return NO_FLUSHES;
        }
        int n = 0;
        for (CacheIo o : io) {
            if (o instanceof CacheIo.FileFlush) {
                n++;
            }
        }
        long[] gens = new long[n];
        n = 0;
        for (CacheIo o : io) {
            if (o instanceof CacheIo.FileFlush f) {
                gens[n++] = f.writeGen();
            }
        }
        io.clear();
        return gens;
    }

    /** The cache I/O of the operation running since the last call, in order; the list starts again empty. */
    java.util.List<CacheIo> takeIo() {
        if (io.isEmpty()) {
            return java.util.List.of();
        }
        java.util.List<CacheIo> out = java.util.List.copyOf(io);
        io.clear();
        return out;
    }

    /**
     * qcow2_update_options_commit: the old caches, written back by then, give way to empty ones of the new sizes.
     * The engine keeps at most {@link #MAX_ENTRIES} slots per cache (qemu would try to allocate the memory for more):
     * beyond that only the slot a table's lookup starts at could differ from qemu's.
     */
    void replaceCaches(int l2Entries, int l2EntrySize, int refcountEntries) {
        entries[0] = new CacheEntries(Math.min(l2Entries, MAX_ENTRIES), l2EntrySize);
        entries[1] = new CacheEntries(Math.min(refcountEntries, MAX_ENTRIES), s.clusterSize);
        java.util.Arrays.fill(dependsOnOther, false);
        java.util.Arrays.fill(dependsOnFlush, false);
    }

    static final int MAX_ENTRIES = 1 << 20;

    /** qcow2_cache_set_dependency: {@code c} is written back only after {@code dependency} from now on. */
    void setDependency(Cache c, Cache dependency) {
        if (dependsOnOther[dependency.ordinal()]) {
            flushDependency(dependency);
        }
        dependsOnOther[c.ordinal()] = true;
    }

    /** qcow2_cache_flush_dependency: flush the cache {@code c} depends on, which clears the dependency. */
    private void flushDependency(Cache c) {
        cacheFlush(c == Cache.L2 ? Cache.REFCOUNT : Cache.L2);
        dependsOnOther[c.ordinal()] = false;
        dependsOnFlush[c.ordinal()] = false;
    }
}
