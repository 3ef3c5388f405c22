package dev.blockstep.engine.qcow2;

import static dev.blockstep.engine.qcow2.format.Qcow2Constants.L1E_OFFSET_MASK;
import static dev.blockstep.engine.qcow2.format.Qcow2Constants.QCOW_OFLAG_COPIED;

import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.qcow2.format.L2Entry;
import dev.blockstep.engine.qcow2.format.MetadataOverlap;

/**
 * L1/L2 access as qcow2-cluster.c does it: get_cluster_table (which allocates a new L2 table when the L1
 * entry lacks COPIED), l2_allocate (table first, then the 8-byte L1 entry write) and L2 entry reads and
 * writes. Entries are read from and written to the host file directly.
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
            throw new Qcow2Error(Qcow2Error.EIO, "guest offset 0x" + Long.toHexString(guestOffset)
                    + " is beyond the L1 table (L1 growth is not modelled)");
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
            // qemu flushes the new table from the L2 cache at once; the table itself is not yet in the L1 table
            OverlapCheck.preWrite(s, refcounts, MetadataOverlap.ACTIVE_L2, l2Offset, s.clusterSize);
            if (oldOffset == 0) {
                s.file.writeZeroes(l2Offset, s.clusterSize);
            } else {
                s.file.write(l2Offset, s.file.read(oldOffset, s.clusterSize));
            }
            s.l1Table.set(l1Index, entry);
            // qcow2_write_l1_entry checks with the new entry already in the in-memory table
            OverlapCheck.preWrite(s, refcounts, MetadataOverlap.ACTIVE_L1, s.l1TableOffset + 8L * l1Index, 8);
        } catch (Qcow2Error overlap) {
            // l2_allocate's fail path frees the new table with QCOW2_DISCARD_ALWAYS: the refcount drop stays in
            // the refcount cache, never flushed once the driver is detached, but the discard reaches the file
            s.l1Table.set(l1Index, old);
            s.file.punch(l2Offset, s.clusterSize);
            s.emit(new EngineEvent.HolePunched(s.co, l2Offset, s.clusterSize));
            throw overlap;
        }
        s.file.writeBe64(s.l1TableOffset + 8L * l1Index, entry);
        s.emit(new EngineEvent.L1EntryWritten(s.co, l1Index, old, entry));
    }

    L2Entry entry(long l2Table, long guestOffset) {
        return new L2Entry(s.file.readBe64(l2Table + 8L * s.l2Index(guestOffset)));
    }

    L2Entry entryAt(long l2Table, int index) {
        return new L2Entry(s.file.readBe64(l2Table + 8L * index));
    }

    /** Writes the entry for guestOffset's cluster in l2Table. */
    void setEntry(long l2Table, long guestOffset, long raw) {
        long at = l2Table + 8L * s.l2Index(guestOffset);
        long old = s.file.readBe64(at);
        s.file.writeBe64(at, raw);
        s.emit(new EngineEvent.L2EntryWritten(s.co, guestOffset >>> s.clusterBits, old, raw));
    }
}
