package dev.blockstep.engine.qcow2;

import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.qcow2.format.L2Entry;
import java.util.ArrayList;
import java.util.List;

/**
 * The second half of an allocating write: handle_alloc_space and merge_cow before the data write,
 * perform_cow (its I/O runs without s->lock), qcow2_alloc_cluster_link_l2 and qcow2_handle_l2meta.
 */
final class L2Linker {
    private final Qcow2State s;
    private final Refcounts refcounts;
    private final L2Tables tables;
    private final GuestReader reader;

    L2Linker(Qcow2State s, Refcounts refcounts, L2Tables tables, GuestReader reader) {
        this.s = s;
        this.refcounts = refcounts;
        this.tables = tables;
        this.reader = reader;
    }

    /**
     * The guest ranges handle_alloc_space's is_zero_cow asks block status about for one allocation, in order: its
     * non-empty COW regions, the head before the tail. Empty when the allocation has no COW region.
     */
    List<long[]> cowZeroQueries(L2Meta m) {
        List<long[]> out = new ArrayList<>();
        if (m.cowStart.nbBytes() > 0) {
            out.add(new long[] {m.offset + m.cowStart.offset(), m.cowStart.nbBytes()});
        }
        if (m.cowEnd.nbBytes() > 0) {
            out.add(new long[] {m.offset + m.cowEnd.offset(), m.cowEnd.nbBytes()});
        }
        return out;
    }

    /**
     * The rest of handle_alloc_space for an allocation whose COW regions all read as zero: the host range from the
     * head's start to the tail's end is zeroed on the file (bdrv_co_pwrite_zeroes with NO_FALLBACK), and the COW
     * is skipped.
     */
    void zeroFillCow(L2Meta m) {
        long start = m.allocOffset + m.cowStart.offset();
        long bytes = m.cowEnd.offset() + m.cowEnd.nbBytes() - m.cowStart.offset();
        s.file.writeZeroes(start, bytes);
        m.skipCow = true;
    }

    /**
     * is_unallocated: bdrv_is_allocated_above down the whole chain; only clusters with no L2 entry at all
     * (UNALLOCATED) in every layer count as unallocated.
     */
    private boolean isUnallocated(long guestOffset, long bytes) {
        return bytes == 0 || !reader.allocatedInChain(guestOffset, bytes);
    }

    /** merge_cow: the L2Meta whose COW write will carry the guest data, or null when data is written alone. */
    L2Meta mergeCow(List<L2Meta> metas, long guestOffset, long bytes) {
        for (L2Meta m : metas) {
            if (m.cowStart.nbBytes() == 0 && m.cowEnd.nbBytes() == 0) {
                continue;
            }
            if (m.skipCow) {
                continue;
            }
            if (m.cowStartGuest() + m.cowStart.nbBytes() != guestOffset) {
                continue;
            }
            if (m.offset + m.cowEnd.offset() != guestOffset + bytes) {
                continue;
            }
            return m;
        }
        return null;
    }

    /** Whether perform_cow will drop the lock and do I/O for this allocation. */
    boolean needsCow(L2Meta m) {
        return !(m.cowStart.nbBytes() == 0 && m.cowEnd.nbBytes() == 0) && !m.skipCow;
    }

    /** Writes {@code len} bytes of guest data at a host offset. */
    @FunctionalInterface
    interface MergedData {
        void writeAt(long hostOffset, long len);
    }

    /**
     * perform_cow's unlocked I/O: read both COW regions from the guest view, then write them to the new host
     * clusters; {@code merged} writes the guest data that goes out with them, or is null.
     */
    void performCowIo(L2Meta m, MergedData merged, long mergedLen) {
        byte[] head = new byte[(int) m.cowStart.nbBytes()];
        byte[] tail = new byte[(int) m.cowEnd.nbBytes()];
        reader.read(m.offset + m.cowStart.offset(), head, 0, head.length);
        reader.read(m.offset + m.cowEnd.offset(), tail, 0, tail.length);
        // do_perform_cow_write checks (ignoring nothing) before each write, without s->lock
        if (merged != null) {
            long at = m.allocOffset + m.cowStart.offset();
            OverlapCheck.preWrite(s, refcounts, 0, at, head.length + mergedLen + tail.length);
            s.file.write(at, head);
            merged.writeAt(at + head.length, mergedLen);
            s.file.write(at + head.length + mergedLen, tail);
            s.emit(new EngineEvent.DataIoCompleted(s.co, at + head.length, mergedLen));
        } else {
            if (head.length > 0) {
                OverlapCheck.preWrite(s, refcounts, 0, m.allocOffset + m.cowStart.offset(), head.length);
                s.file.write(m.allocOffset + m.cowStart.offset(), head);
            }
            if (tail.length > 0) {
                OverlapCheck.preWrite(s, refcounts, 0, m.allocOffset + m.cowEnd.offset(), tail.length);
                s.file.write(m.allocOffset + m.cowEnd.offset(), tail);
            }
        }
    }

    /** The lock-held part of qcow2_alloc_cluster_link_l2 after perform_cow: relink, then free the old clusters. */
    void linkL2(L2Meta m) {
        if (s.useLazyRefcounts) {
            DirtyBit.markDirty(s, refcounts.caches);
        }
        boolean dependency = s.needAccurateRefcounts();
        long l2 = tables.getClusterTable(m.offset);
        List<L2Entry> old = new ArrayList<>();
        for (int i = 0; i < m.nbClusters; i++) {
            long guest = m.offset + ((long) i << s.clusterBits);
            L2Entry e = tables.entry(l2, guest);
            if (e.raw() != 0) {
                old.add(e);
            }
            tables.setEntry(l2, guest, (m.allocOffset + ((long) i << s.clusterBits)) | L2Entry.normal(0).raw(),
                    dependency);
        }
        if (!m.keepOld) {
            for (L2Entry e : old) {
                freeAnyCluster(e, DiscardType.NEVER);
            }
        }
    }

    /** qcow2_alloc_cluster_abort. */
    void abort(L2Meta m) {
        if (!m.keepOld) {
            refcounts.freeClusters(m.allocOffset, (long) m.nbClusters << s.clusterBits, DiscardType.NEVER);
        }
    }

    /** The end of qcow2_handle_l2meta for one allocation: off cluster_allocs, dependents woken. */
    List<Integer> retire(L2Meta m) {
        s.clusterAllocs.remove(m);
        List<Integer> woken = List.copyOf(m.dependentRequests);
        m.dependentRequests.clear();
        return woken;
    }

    /** qcow2_free_any_cluster. */
    void freeAnyCluster(L2Entry e, DiscardType type) {
        switch (e.type()) {
            case COMPRESSED -> {
                long shift = 62 - (s.clusterBits - 8);
                long offsetMask = (1L << shift) - 1;
                long sizeMask = (1L << (s.clusterBits - 8)) - 1;
                long coffset = e.raw() & offsetMask;
                long nbSectors = ((e.raw() >>> shift) & sizeMask) + 1;
                long csize = nbSectors * 512 - (coffset & 511);
                refcounts.freeClusters(coffset, csize, type);
            }
            case NORMAL, ZERO_ALLOC -> {
                if (s.offsetIntoCluster(e.hostOffset()) != 0) {
                    s.stderrLine("qcow2: Image is corrupt: Cannot free unaligned cluster 0x"
                            + Long.toHexString(e.hostOffset()));
                } else {
                    refcounts.freeClusters(e.hostOffset(), s.clusterSize, type);
                }
            }
            default -> {
                // ZERO_PLAIN and UNALLOCATED own nothing
            }
        }
    }
}
