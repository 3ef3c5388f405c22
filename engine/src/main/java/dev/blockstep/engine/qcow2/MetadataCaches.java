package dev.blockstep.engine.qcow2;

import dev.blockstep.engine.qcow2.format.MetadataOverlap;

/**
 * The write-back side of qemu's two metadata caches, for the tables the engine could not write through
 * ({@link HeldTables}), and the points where qemu flushes them: qcow2_cache_flush of one cache (after the cache
 * it depends on, as qcow2_cache_flush_dependency does), and qcow2_write_caches (the L2 cache, then the refcount
 * cache) for bdrv_flush and for the flush bdrv_close makes. A refused table signals the fatal corruption with the
 * line qcow2_pre_write_overlap_check prints, and the flush fails with EIO.
 */
final class MetadataCaches {
    /** qcow2_cache_entry_flush checks an L2 table with QCOW2_OL_ACTIVE_L2 left out. */
    final HeldTables l2;
    /** qcow2_cache_entry_flush checks a refcount block with QCOW2_OL_REFCOUNT_BLOCK left out. */
    final HeldTables refcountBlocks;
    private final Refcounts refcounts;
    private final Qcow2State s;
    /** When these flushes reach the file node as bdrv_flush, and the file node's write_gen. */
    final CacheDependencies deps;

    MetadataCaches(Qcow2State s, Refcounts refcounts) {
        this.l2 = new HeldTables(s, MetadataOverlap.ACTIVE_L2);
        this.refcountBlocks = new HeldTables(s, MetadataOverlap.REFCOUNT_BLOCK);
        this.refcounts = refcounts;
        this.s = s;
        this.deps = new CacheDependencies(s);
        deps.onEvict((cache, table, length) -> (cache == CacheDependencies.Cache.L2 ? l2 : refcountBlocks)
                .wroteBack(table, length));
    }

    /** qcow2_cache_flush(l2_table_cache). */
    void flushL2() {
        flush(l2, refcountBlocks);
        deps.cacheFlush(CacheDependencies.Cache.L2);
    }

    /** qcow2_cache_flush(refcount_block_cache). */
    void flushRefcountBlocks() {
        flush(refcountBlocks, l2);
        deps.cacheFlush(CacheDependencies.Cache.REFCOUNT);
    }

    /**
     * qcow2_write_caches: the L2 cache, then the refcount cache, which a dirty image leaves out; the first failure
     * ends it.
     */
    void writeCaches() {
        boolean refcountsToo = s.needAccurateRefcounts();
        deps.cacheWrite(CacheDependencies.Cache.L2);
        if (refcountsToo) {
            deps.cacheWrite(CacheDependencies.Cache.REFCOUNT);
        }
        flush(l2, refcountBlocks);
        if (refcountsToo) {
            flush(refcountBlocks, l2);
        }
    }

    private void flush(HeldTables cache, HeldTables other) {
        if (cache.dependsOnOther) {
            refuseOn(other.writeBack());
            cache.dependsOnOther = false;
        }
        refuseOn(cache.writeBack());
    }

    /** Whether either cache holds a table it could not write back. */
    boolean holdsTables() {
        return !l2.isEmpty() || !refcountBlocks.isEmpty();
    }

    /**
     * What bdrv_close writes on a driver still attached: its bdrv_flush ({@link #writeCaches}), then qcow2_close's
     * qcow2_inactivate (a flush of the L2 cache, then of the refcount cache, then qcow2_mark_clean when both
     * succeeded). bdrv_close ignores the result, so a
     * refusal shows only as the corruption line. Nothing runs beside the close: its I/O is not made as steps.
     */
    void close() {
        try {
            writeCaches();
            flushL2();
            flushRefcountBlocks();
            DirtyBit.markClean(s, this);
        } catch (Qcow2Error ignored) {
            // the image is marked corrupt; qemu-io's exit status does not change
        } finally {
            deps.takeIo();
        }
    }

    /** {@link #close} with both caches clean and no table held: each of its four write-backs finds nothing. */
    void closeClean() {
        for (CacheDependencies.Cache c : new CacheDependencies.Cache[] {CacheDependencies.Cache.L2,
                CacheDependencies.Cache.REFCOUNT, CacheDependencies.Cache.L2, CacheDependencies.Cache.REFCOUNT}) {
            deps.traceWrite(c);
        }
    }

    /** The driver detaches after a fatal corruption: what the caches have not written back never reaches the file. */
    void detach() {
        refcountBlocks.dropUnflushed();
        l2.dropUnflushed();
    }

    /** A punch of the file: the range's unflushed updates are gone with it. */
    void punched(long offset, long length) {
        l2.punched(offset, length);
        refcountBlocks.punched(offset, length);
    }

    private void refuseOn(String hit) {
        if (hit != null) {
            throw refcounts.corruption("Preventing invalid write on metadata (overlaps with " + hit + ")");
        }
    }
}
