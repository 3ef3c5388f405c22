package dev.blockstep.engine.qcow2;

import static dev.blockstep.engine.qcow2.format.Qcow2Constants.L1E_OFFSET_MASK;
import static dev.blockstep.engine.qcow2.format.Qcow2Constants.QCOW_OFLAG_COPIED;

import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.format.L2Entry;
import dev.blockstep.engine.qcow2.format.MetadataOverlap;

/**
 * L1/L2 access as qcow2-cluster.c does it: get_cluster_table (which allocates a new L2 table when the L1
 * entry lacks COPIED), l2_allocate (table first, then the 8-byte L1 entry write) and L2 entry reads and
 * writes. Entries are read from and written to the host file directly, unless qemu's L2 cache would keep the
 * table dirty ({@link HeldTables}).
 */
final class L2Tables {
    private final Qcow2State s;
    private final Refcounts refcounts;

    L2Tables(Qcow2State s, Refcounts refcounts) {
        this.s = s;
        this.refcounts = refcounts;
    }

    /** get_cluster_table: the host offset of the L2 table for guestOffset, allocating it if needed. */
    long getClusterTable(long guestOffset) {
        int l1Index = s.l1Index(guestOffset);
        if (l1Index >= s.l1Size) {
            growL1Table(l1Index + 1L, false);
        }
        long l2Offset = s.l1Table.get(l1Index) & L1E_OFFSET_MASK;
        if (s.offsetIntoCluster(l2Offset) != 0) {
            throw refcounts.corruption("L2 table offset " + Refcounts.px(l2Offset) + " unaligned (L1 index: " + Refcounts.px(l1Index) + ")");
        }
        if ((s.l1Table.get(l1Index) & QCOW_OFLAG_COPIED) == 0) {
            l2Allocate(l1Index);
            if (l2Offset != 0) {
                refcounts.freeClusters(l2Offset, s.clusterSize, DiscardType.OTHER);
            }
            l2Offset = s.l1Table.get(l1Index) & L1E_OFFSET_MASK;
        }
        return l2Offset;
    }

    /**
     * qcow2_grow_l1_table: a new, larger L1 table in newly allocated clusters, written whole, then the header's
     * l1_size and l1_table_offset, then the old table freed. Without {@code exact} the size grows by half steps
     * from the current one, so that later growth is rarer.
     */
    void growL1Table(long minSize, boolean exact) {
        if (minSize <= s.l1Size) {
            return;
        }
        if (minSize > Integer.MAX_VALUE / 8) {
            throw new Qcow2Error(Qcow2Error.EFBIG, "an L1 table of " + minSize + " entries");
        }
        long newSize = minSize;
        if (!exact) {
            newSize = Math.max(s.l1Size, 1);
            while (minSize > newSize) {
                newSize = (newSize * 3 + 1) / 2;
            }
        }
        // QCOW_MAX_L1_SIZE, 32 MiB of entries
        if (newSize > 0x02000000L / 8) {
            throw new Qcow2Error(Qcow2Error.EFBIG, "an L1 table of " + newSize + " entries");
        }
        int bytes = (int) (8 * newSize);
        long newOffset = refcounts.allocClusters(bytes, "L1 table");
        refcounts.caches.flushRefcountBlocks();
        OverlapCheck.preWrite(s, refcounts, 0, newOffset, bytes);
        L1Table grown = s.l1Table.withSize((int) newSize);
        byte[] table = new byte[bytes];
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(table);
        for (java.util.Map.Entry<Integer, Long> e : grown.nonZero()) {
            b.putLong(8 * e.getKey(), e.getValue());
        }
        s.file.write(newOffset, table);
        refcounts.caches.deps.fileWritten();
        refcounts.caches.deps.fileFlush();
        // the header's l1_size (4 bytes) and l1_table_offset (8 bytes), in one synchronous write
        byte[] fields = java.nio.ByteBuffer.allocate(12).putInt((int) newSize).putLong(newOffset).array();
        s.file.write(36, fields);
        refcounts.caches.deps.fileWritten();
        refcounts.caches.deps.fileFlush();
        long oldOffset = s.l1TableOffset;
        int oldSize = s.l1Size;
        s.header = s.header.withL1((int) newSize, newOffset);
        s.l1Table = grown;
        s.l1Size = (int) newSize;
        s.l1TableOffset = newOffset;
        refcounts.freeClusters(oldOffset, 8L * oldSize, DiscardType.OTHER);
    }

    /**
     * qcow2_shrink_l1_table: zeroes the entries from {@code exactSize} on in the file, then frees their L2 tables;
     * the table keeps its size in the header.
     */
    void shrinkL1Table(long exactSize) {
        if (exactSize >= s.l1Size) {
            return;
        }
        s.file.writeZeroes(s.l1TableOffset + 8 * exactSize, 8 * (s.l1Size - exactSize));
        refcounts.caches.deps.fileWritten();
        refcounts.caches.deps.fileFlush();
        for (int i = s.l1Size - 1; i >= exactSize; i--) {
            long l2 = s.l1Table.get(i) & L1E_OFFSET_MASK;
            if (l2 != 0) {
                refcounts.freeClusters(l2, s.clusterSize, DiscardType.ALWAYS);
                s.l1Table.set(i, 0);
            }
        }
    }

    /** The L2 table for guestOffset without allocating: 0 when there is none (reads use this). */
    long l2TableIfPresent(long guestOffset) {
        int l1Index = s.l1Index(guestOffset);
        if (l1Index >= s.l1Size) {
            return 0;
        }
        long l2Offset = s.l1Table.get(l1Index) & L1E_OFFSET_MASK;
        if (l2Offset != 0 && s.offsetIntoCluster(l2Offset) != 0) {
            throw refcounts.corruption("L2 table offset " + Refcounts.px(l2Offset) + " unaligned (L1 index: " + Refcounts.px(l1Index) + ")");
        }
        return l2Offset;
    }

    private void l2Allocate(int l1Index) {
        long old = s.l1Table.get(l1Index);
        long oldOffset = old & L1E_OFFSET_MASK;
        long l2Offset = refcounts.allocClusters(s.clusterSize, "L2 table");
        if (l2Offset == 0) {
            throw refcounts.corruption("Preventing invalid allocation of L2 table at offset 0");
        }
        long entry = l2Offset | QCOW_OFLAG_COPIED;
        try {
            refcounts.caches.flushRefcountBlocks();
            // the new table enters the L2 cache dirty (copied from the old one, if any), and is flushed with it
            refcounts.caches.deps.markClusterDirty(CacheDependencies.Cache.L2, l2Offset);
            if (oldOffset != 0) {
                refcounts.caches.deps.get(CacheDependencies.Cache.L2, oldOffset);
            }
            // qemu flushes the new table from the L2 cache at once, with the cache's held tables; the table itself
            // is not yet in the L1 table. A held table's refusal fails the flush after the new table is written.
            Qcow2Error held = null;
            try {
                refcounts.caches.flushL2();
            } catch (Qcow2Error e) {
                held = e;
            }
            OverlapCheck.preWrite(s, refcounts, MetadataOverlap.ACTIVE_L2, l2Offset, s.clusterSize);
            if (oldOffset == 0) {
                s.file.writeZeroes(l2Offset, s.clusterSize);
            } else {
                s.file.write(l2Offset, refcounts.caches.l2.readFrom(oldOffset).read(oldOffset, s.clusterSize));
            }
            if (held != null) {
                throw held;
            }
            s.l1Table.set(l1Index, entry);
            // qcow2_write_l1_entry checks with the new entry already in the in-memory table
            OverlapCheck.preWrite(s, refcounts, MetadataOverlap.ACTIVE_L1, s.l1TableOffset + 8L * l1Index, 8);
        } catch (Qcow2Error overlap) {
            // l2_allocate's fail path frees the new table with QCOW2_DISCARD_ALWAYS: the refcount drop stays in
            // the refcount cache, never flushed once the driver is detached, but the discard reaches the file
            // (unless a zeroize or discard collects discards, which it then drops as it fails)
            s.l1Table.set(l1Index, old);
            refcounts.discardFreed(l2Offset, s.clusterSize);
            throw overlap;
        }
        s.file.writeBe64(s.l1TableOffset + 8L * l1Index, entry);
        // qcow2_write_l1_entry: bdrv_pwrite_sync
        refcounts.caches.deps.fileWritten();
        refcounts.caches.deps.fileFlush();
        s.emit(new EngineEvent.L1EntryWritten(s.co, l1Index, old, entry));
    }

    L2Entry entry(long l2Table, long guestOffset) {
        return entryAt(l2Table, s.l2Index(guestOffset));
    }

    L2Entry entryAt(long l2Table, int index) {
        refcounts.caches.deps.get(CacheDependencies.Cache.L2, l2Table + 8L * index);
        return new L2Entry(refcounts.caches.l2.readFrom(l2Table).readBe64(l2Table + 8L * index));
    }

    /**
     * Writes the entry for guestOffset's cluster in l2Table. A link ({@code link}) makes the L2 cache depend on
     * the refcount cache (qcow2_alloc_cluster_link_l2 sets that dependency), so its update is held while the
     * refcount cache holds a block.
     */
    void setEntry(long l2Table, long guestOffset, long raw, boolean link) {
        long at = l2Table + 8L * s.l2Index(guestOffset);
        if (link) {
            refcounts.caches.deps.setDependency(CacheDependencies.Cache.L2, CacheDependencies.Cache.REFCOUNT);
        }
        refcounts.caches.deps.markDirty(CacheDependencies.Cache.L2, at);
        HostFile table = refcounts.caches.l2.writeTo(l2Table, link ? refcounts.caches.refcountBlocks : null);
        long old = table.readBe64(at);
        if (table == s.file) {
            refcounts.caches.l2.wroteThrough(at, table.read(at, 8));
        }
        table.writeBe64(at, raw);
        s.emit(new EngineEvent.L2EntryWritten(s.co, guestOffset >>> s.clusterBits, old, raw));
    }
}
