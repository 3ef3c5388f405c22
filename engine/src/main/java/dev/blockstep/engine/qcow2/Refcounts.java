package dev.blockstep.engine.qcow2;

import static dev.blockstep.engine.qcow2.format.Qcow2Constants.REFT_OFFSET_MASK;

import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.format.MetadataOverlap;

/**
 * qcow2-refcount.c: reading refcounts, the allocator (alloc_clusters_noref, qcow2_alloc_clusters,
 * qcow2_alloc_clusters_at), update_refcount with refcount-block creation (alloc_refcount_block) and
 * refcount-table growth (qcow2_refcount_area), frees and the discard queue. All of it runs with
 * s->lock held.
 */
final class Refcounts {
    /** update_refcount's -EAGAIN: a refcount block was created, the caller must search again. */
    static final class Again extends Exception {
        Again() {
            super(null, null, false, false);
        }
    }

    private final Qcow2State s;
    /** The tables qemu's caches could not write back yet, and qemu's cache flushes. */
    final MetadataCaches caches;

    Refcounts(Qcow2State s) {
        this.s = s;
        this.caches = new MetadataCaches(s, this);
    }

    /** qcow2_get_refcount: 0 for clusters no refcount block covers. */
    long getRefcount(long clusterIndex) {
        long tableIndex = clusterIndex >>> s.refcountBlockBits;
        if (tableIndex >= s.refcountTableSize) {
            return 0;
        }
        long block = s.refcountTable[(int) tableIndex] & REFT_OFFSET_MASK;
        if (block == 0) {
            return 0;
        }
        if (s.offsetIntoCluster(block) != 0) {
            throw corruption("Refblock offset " + Refcounts.px(block) + " unaligned (reftable index: " + px(tableIndex) + ")");
        }
        caches.deps.get(CacheDependencies.Cache.REFCOUNT, block);
        return s.refcounts.get(caches.refcountBlocks.readFrom(block), block, clusterIndex & (s.refcountBlockSize - 1));
    }

    /** alloc_clusters_noref: a run of free clusters from free_cluster_index on, refcounts untouched. */
    long allocClustersNoref(long size) {
        if (s.cacheDiscards) {
            processDiscards(true);
        }
        long nbClusters = s.sizeToClusters(size);
        long i = 0;
        while (i < nbClusters) {
            long next = s.freeClusterIndex++;
            if (getRefcount(next) != 0) {
                i = 0;
            } else {
                i++;
            }
        }
        long maxIndex = 0x00fffffffffffe00L >>> s.clusterBits;
        if (s.freeClusterIndex > 0 && s.freeClusterIndex - 1 > maxIndex) {
            throw new Qcow2Error(Qcow2Error.EFBIG, "image too large");
        }
        return (s.freeClusterIndex - nbClusters) << s.clusterBits;
    }

    /** qcow2_alloc_clusters: first fit, then refcount +1, searching again after refcount block creation. */
    long allocClusters(long size, String purpose) {
        while (true) {
            long offset = allocClustersNoref(size);
            try {
                updateRefcount(offset, size, 1, false, DiscardType.NEVER);
                s.emit(new EngineEvent.ClustersAllocated(s.co, offset, (int) s.sizeToClusters(size), purpose));
                return offset;
            } catch (Again again) {
                // a refcount block landed where we wanted to allocate; search again
            }
        }
    }

    /** qcow2_alloc_clusters_at: as many of nbClusters free clusters at offset as there are; returns the count. */
    long allocClustersAt(long offset, long nbClusters) {
        if (nbClusters == 0) {
            return 0;
        }
        while (true) {
            long index = offset >>> s.clusterBits;
            long i;
            for (i = 0; i < nbClusters; i++) {
                if (getRefcount(index++) != 0) {
                    break;
                }
            }
            try {
                updateRefcount(offset, i << s.clusterBits, 1, false, DiscardType.NEVER);
                if (i > 0) {
                    s.emit(new EngineEvent.ClustersAllocated(s.co, offset, (int) i, "data (contiguous)"));
                }
                return i;
            } catch (Again again) {
                // retry at the same offset
            }
        }
    }

    /** qcow2_free_clusters: failures only print to stderr, as in qemu. */
    void freeClusters(long offset, long size, DiscardType type) {
        try {
            updateRefcount(offset, size, 1, true, type);
        } catch (Qcow2Error e) {
            s.stderrLine("qcow2_free_clusters failed: " + e.strerror());
        } catch (Again again) {
            // a decrease never creates refcount blocks for covered clusters; qemu treats it as a failure too
            s.stderrLine("qcow2_free_clusters failed: Resource temporarily unavailable");
        }
    }

    /**
     * update_refcount. Throws {@link Again} after creating a refcount block and {@link Qcow2Error} EINVAL on
     * underflow or overflow; in both cases the clusters already changed by this call are changed back.
     */
    void updateRefcount(long offset, long length, long addend, boolean decrease, DiscardType type) throws Again {
        if (length < 0) {
            throw new Qcow2Error(Qcow2Error.EINVAL, "negative length");
        }
        if (length == 0) {
            return;
        }
        if (decrease) {
            // a decrease makes the refcount cache depend on the L2 cache
            caches.deps.setDependency(CacheDependencies.Cache.REFCOUNT, CacheDependencies.Cache.L2);
        }
        long start = s.startOfCluster(offset);
        long last = s.startOfCluster(offset + length - 1);
        long clusterOffset = start;
        long oldTableIndex = -1;
        long block = 0;
        // the refcount cache's copy of the block: the file, unless qemu's cache could not write the block back
        HostFile blockFile = s.file;
        boolean failed = true;
        try {
            for (; clusterOffset <= last; clusterOffset += s.clusterSize) {
                long clusterIndex = clusterOffset >>> s.clusterBits;
                long tableIndex = clusterIndex >>> s.refcountBlockBits;
                if (tableIndex != oldTableIndex) {
                    try {
                        block = allocRefcountBlock(clusterIndex);
                    } catch (Again again) {
                        if (s.freeClusterIndex > (start >>> s.clusterBits)) {
                            s.freeClusterIndex = start >>> s.clusterBits;
                        }
                        throw again;
                    }
                    caches.deps.markDirty(CacheDependencies.Cache.REFCOUNT, block);
                    blockFile = caches.refcountBlocks.writeTo(block, decrease ? caches.l2 : null);
                }
                oldTableIndex = tableIndex;
                long blockIndex = clusterIndex & (s.refcountBlockSize - 1);
                long refcount = s.refcounts.get(blockFile, block, blockIndex);
                long max = s.refcounts.max();
                boolean bad = decrease ? Long.compareUnsigned(refcount, addend) < 0
                        : Long.compareUnsigned(refcount + addend, refcount) < 0
                        || Long.compareUnsigned(refcount + addend, max) > 0;
                if (bad) {
                    throw new Qcow2Error(Qcow2Error.EINVAL, "refcount of cluster " + clusterIndex
                            + (decrease ? " would drop below 0" : " would overflow"));
                }
                long updated = decrease ? refcount - addend : refcount + addend;
                if (updated == 0 && clusterIndex < s.freeClusterIndex) {
                    s.freeClusterIndex = clusterIndex;
                }
                if (updated == 0) {
                    // qemu looks the call's start offset up in both caches, not the cluster's
                    caches.deps.discard(offset);
                }
                if (blockFile == s.file) {
                    long at = s.refcounts.byteOffset(block, blockIndex);
                    caches.refcountBlocks.wroteThrough(at, s.file.read(at, s.refcounts.byteWidth()));
                }
                s.refcounts.set(blockFile, block, blockIndex, updated);
                s.emit(new EngineEvent.RefcountChanged(s.co, clusterIndex, (int) refcount, (int) updated));
                if (updated == 0 && s.discardPassthrough.contains(type)) {
                    queueDiscard(clusterOffset, s.clusterSize);
                }
            }
            failed = false;
        } finally {
            if (!s.cacheDiscards) {
                processDiscards(!failed);
            }
            if (failed && clusterOffset > offset) {
                try {
                    updateRefcount(offset, clusterOffset - offset, addend, !decrease, DiscardType.NEVER);
                } catch (Again | Qcow2Error ignored) {
                    // qemu ignores the result of the rollback too
                }
            }
        }
    }

    /**
     * The discard update_refcount makes for a cluster freed with a passed-through type: queued, and punched at
     * once unless the caller collects discards ({@link Qcow2State#cacheDiscards}).
     */
    void discardFreed(long offset, long length) {
        queueDiscard(offset, length);
        if (!s.cacheDiscards) {
            processDiscards(true);
        }
    }

    /** update_refcount_discard: queue a punch, merging with an adjacent queued range. */
    private void queueDiscard(long offset, long length) {
        for (long[] d : s.discards) {
            if (d[0] + d[1] == offset) {
                d[1] += length;
                return;
            }
            if (offset + length == d[0]) {
                d[0] = offset;
                d[1] += length;
                return;
            }
        }
        s.discards.add(new long[] {offset, length});
    }

    /** qcow2_process_discards: punch every queued range (dropped without punching after a failure). */
    void processDiscards(boolean punch) {
        for (long[] d : s.discards) {
            if (punch) {
                s.file.punch(d[0], d[1]);
                caches.punched(d[0], d[1]);
                caches.deps.fileWritten();
                s.emit(new EngineEvent.HolePunched(s.co, d[0], d[1]));
            }
        }
        s.discards.clear();
    }

    /**
     * One iteration of qcow2_process_discards: takes the oldest queued range off the list and punches it; returns
     * {offset, length}, or null when nothing is queued.
     */
    long[] processOneDiscard() {
        if (s.discards.isEmpty()) {
            return null;
        }
        long[] d = s.discards.remove(0);
        s.file.punch(d[0], d[1]);
        caches.punched(d[0], d[1]);
        caches.deps.fileWritten();
        s.emit(new EngineEvent.HolePunched(s.co, d[0], d[1]));
        return d;
    }

    /**
     * alloc_refcount_block: the offset of the refcount block covering clusterIndex, creating the block
     * (and growing the refcount table) when there is none; creation ends in {@link Again}.
     */
    private long allocRefcountBlock(long clusterIndex) throws Again {
        int tableIndex = (int) (clusterIndex >>> s.refcountBlockBits);
        if (tableIndex < s.refcountTableSize) {
            long block = s.refcountTable[tableIndex] & REFT_OFFSET_MASK;
            if (block != 0) {
                if (s.offsetIntoCluster(block) != 0) {
                    throw corruption("Refblock offset " + Refcounts.px(block)
                            + " unaligned (reftable index: " + Refcounts.px(tableIndex) + ")");
                }
                return block;
            }
        }
        // before a new block goes into the refcount table, the L2 tables that may depend on it are written back
        caches.flushL2();
        long newBlock = allocClustersNoref(s.clusterSize);
        if (newBlock == 0) {
            throw corruption("Preventing invalid allocation of refcount block at offset 0");
        }
        if ((newBlock >>> (s.clusterBits + s.refcountBlockBits)) == tableIndex) {
            // the refcount cache flush of the new block, not yet in the refcount table; the cache's held blocks
            // are tried in the same flush, and their refusal fails it only after the new block is written
            Qcow2Error held = null;
            caches.deps.markDirty(CacheDependencies.Cache.REFCOUNT, newBlock);
            try {
                caches.flushRefcountBlocks();
            } catch (Qcow2Error e) {
                held = e;
            }
            OverlapCheck.preWrite(s, this, MetadataOverlap.REFCOUNT_BLOCK, newBlock, s.clusterSize);
            s.file.writeZeroes(newBlock, s.clusterSize);
            long selfIndex = (newBlock >>> s.clusterBits) & (s.refcountBlockSize - 1);
            s.refcounts.set(s.file, newBlock, selfIndex, 1);
            s.emit(new EngineEvent.RefcountChanged(s.co, newBlock >>> s.clusterBits, 0, 1));
            if (held != null) {
                throw held;
            }
        } else {
            updateRefcount(newBlock, s.clusterSize, 1, false, DiscardType.NEVER);
            // the refcount cache is flushed before the new block enters it, and again with it
            caches.flushRefcountBlocks();
            caches.deps.markDirty(CacheDependencies.Cache.REFCOUNT, newBlock);
            caches.flushRefcountBlocks();
            OverlapCheck.preWrite(s, this, MetadataOverlap.REFCOUNT_BLOCK, newBlock, s.clusterSize);
            s.file.writeZeroes(newBlock, s.clusterSize);
        }
        s.emit(new EngineEvent.ClustersAllocated(s.co, newBlock, 1, "refcount block"));
        if (tableIndex < s.refcountTableSize) {
            s.file.writeBe64(s.refcountTableOffset + 8L * tableIndex, newBlock);
            s.refcountTable[tableIndex] = newBlock;
            s.maxRefcountTableIndex = Math.max(s.maxRefcountTableIndex, tableIndex);
            throw new Again();
        }
        long blocksUsed = divRoundUp(Math.max(clusterIndex + 1, (newBlock >>> s.clusterBits) + 1),
                s.refcountBlockSize);
        long metaOffset = blocksUsed * s.refcountBlockSize * s.clusterSize;
        new RefcountArea(s, this).create(metaOffset, tableIndex, newBlock);
        throw new Again();
    }

    /**
     * qcow2_signal_corruption(fatal): the first one prints the stderr line and sets the corrupt bit in the
     * header (8 bytes at 0x48); qemu then detaches the driver, so later requests fail with ENOMEDIUM.
     */
    Qcow2Error corruption(String what) {
        if (!s.corrupt) {
            caches.detach();
            s.stderrLine("qcow2: Marking image as corrupt: " + what + "; further corruption events will be suppressed");
            long features = s.header.incompatibleFeatures() | dev.blockstep.engine.qcow2.format.Qcow2Constants.INCOMPAT_CORRUPT;
            s.file.writeBe64(0x48, features);
            s.detach();
        }
        return new Qcow2Error(Qcow2Error.EIO, what);
    }

    /** printf's %#x (and %#llx): no prefix for 0. */
    static String px(long v) {
        return v == 0 ? "0" : "0x" + Long.toHexString(v);
    }

    static long divRoundUp(long a, long b) {
        return (a + b - 1) / b;
    }
}
