package dev.blockstep.engine.qcow2;

import static dev.blockstep.engine.qcow2.format.Qcow2Constants.QCOW_OFLAG_ZERO;

import dev.blockstep.engine.qcow2.format.ClusterType;
import dev.blockstep.engine.qcow2.format.L2Entry;

/**
 * qcow2_subcluster_zeroize (zero_in_l2_slice) and qcow2_cluster_discard (discard_in_l2_slice): each one
 * lock-held operation that ends with the punch of the freed clusters (qcow2_process_discards). The punch is
 * file I/O that yields with s->lock still held, so the coroutine engine may leave the freed ranges queued
 * ({@code punchNow} false) and punch them one step at a time; a failed operation drops them unpunched either way.
 * Neither looks at cluster_allocs: that is the race.
 */
final class ZeroAndDiscard {
    private final Qcow2State s;
    private final Refcounts refcounts;
    private final L2Tables tables;
    private final L2Linker linker;
    private final GuestReader reader;

    ZeroAndDiscard(Qcow2State s, Refcounts refcounts, L2Tables tables, L2Linker linker, GuestReader reader) {
        this.s = s;
        this.refcounts = refcounts;
        this.tables = tables;
        this.linker = linker;
        this.reader = reader;
    }

    /**
     * qcow2_co_pwrite_zeroes for one piece (the generic layer has already split it so that an unaligned
     * piece stays inside one cluster). Returns false for -ENOTSUP: the caller then writes real zeros.
     */
    boolean pwriteZeroes(long offset, long bytes, boolean mayUnmap, boolean punchNow) {
        long head = s.offsetIntoCluster(offset);
        long tail = HostOffsetAllocator.roundUp(offset + bytes, s.clusterSize) - (offset + bytes);
        if (offset + bytes == roundedVirtualSize()) {
            tail = 0;
        }
        if (head != 0 || tail != 0) {
            if (!canZeroPartial(offset, bytes)) {
                return false;
            }
            offset -= head;
            bytes = s.clusterSize;
        }
        subclusterZeroize(offset, bytes, mayUnmap, punchNow);
        return true;
    }

    /**
     * The unaligned case of qcow2_co_pwrite_zeroes: true when the rest of the (single) cluster reads as zero
     * and the cluster is unallocated or a zero cluster, so the whole cluster can be zeroed instead.
     */
    boolean canZeroPartial(long offset, long bytes) {
        long head = s.offsetIntoCluster(offset);
        long tail = HostOffsetAllocator.roundUp(offset + bytes, s.clusterSize) - (offset + bytes);
        if (offset + bytes == roundedVirtualSize()) {
            tail = 0;
        }
        if (!(isZero(offset - head, head) && isZero(offset + bytes, tail))) {
            return false;
        }
        ClusterType t = reader.map(offset - head).type();
        return t == ClusterType.UNALLOCATED || t == ClusterType.ZERO_PLAIN || t == ClusterType.ZERO_ALLOC;
    }

    /** bs->total_sectors * 512. */
    long roundedVirtualSize() {
        return HostOffsetAllocator.roundUp(s.virtualSize, 512);
    }

    /** qcow2's is_zero: block status says ZERO over the whole range (clamped to the image end). */
    private boolean isZero(long offset, long bytes) {
        if (offset + bytes > roundedVirtualSize()) {
            bytes = roundedVirtualSize() - offset;
        }
        for (long off = offset; off < offset + bytes; off = s.startOfCluster(off) + s.clusterSize) {
            ClusterType t = reader.map(off).type();
            if (t != ClusterType.UNALLOCATED && t != ClusterType.ZERO_PLAIN && t != ClusterType.ZERO_ALLOC) {
                // NORMAL data would need the host file's hole map; qemu then refuses the type anyway
                return false;
            }
        }
        return true;
    }

    void subclusterZeroize(long offset, long bytes, boolean mayUnmap, boolean punchNow) {
        long nbClusters = s.sizeToClusters(bytes);
        s.cacheDiscards = true;
        boolean ok = false;
        try {
            while (nbClusters > 0) {
                long cleared = zeroInL2Slice(offset, nbClusters, mayUnmap);
                nbClusters -= cleared;
                offset += cleared * s.clusterSize;
            }
            ok = true;
        } finally {
            s.cacheDiscards = false;
            if (punchNow || !ok) {
                refcounts.processDiscards(ok);
            }
        }
    }

    private long zeroInL2Slice(long offset, long nbClusters, boolean mayUnmap) {
        long l2 = tables.getClusterTable(offset);
        nbClusters = Math.min(nbClusters, s.l2Size - s.l2Index(offset));
        for (long i = 0; i < nbClusters; i++) {
            long guest = offset + (i << s.clusterBits);
            L2Entry old = tables.entry(l2, guest);
            ClusterType type = old.type();
            boolean unmap = type == ClusterType.COMPRESSED || (mayUnmap && type.isAllocated());
            long updated = (unmap ? 0 : old.raw()) | QCOW_OFLAG_ZERO;
            if (updated == old.raw()) {
                continue;
            }
            tables.setEntry(l2, guest, updated);
            if (unmap) {
                linker.freeAnyCluster(old, DiscardType.REQUEST);
            }
        }
        return nbClusters;
    }

    /**
     * qcow2_co_pdiscard for one piece: partial clusters are ignored (false, as -ENOTSUP) except a last partial
     * cluster at the image end.
     */
    boolean pdiscard(long offset, long bytes, boolean punchNow) {
        if (((offset | bytes) & (s.clusterSize - 1)) != 0) {
            if (s.offsetIntoCluster(offset) != 0 || offset + bytes != roundedVirtualSize()) {
                return false;
            }
        }
        clusterDiscard(offset, bytes, punchNow);
        return true;
    }

    void clusterDiscard(long offset, long bytes, boolean punchNow) {
        long nbClusters = s.sizeToClusters(bytes);
        s.cacheDiscards = true;
        boolean ok = false;
        try {
            while (nbClusters > 0) {
                long cleared = discardInL2Slice(offset, nbClusters);
                nbClusters -= cleared;
                offset += cleared * s.clusterSize;
            }
            ok = true;
        } finally {
            s.cacheDiscards = false;
            if (punchNow || !ok) {
                refcounts.processDiscards(ok);
            }
        }
    }

    private long discardInL2Slice(long offset, long nbClusters) {
        long l2 = tables.getClusterTable(offset);
        nbClusters = Math.min(nbClusters, s.l2Size - s.l2Index(offset));
        for (long i = 0; i < nbClusters; i++) {
            long guest = offset + (i << s.clusterBits);
            L2Entry old = tables.entry(l2, guest);
            long updated = old.type().isAllocated() ? QCOW_OFLAG_ZERO : old.raw();
            if (updated == old.raw()) {
                continue;
            }
            tables.setEntry(l2, guest, updated);
            linker.freeAnyCluster(old, DiscardType.REQUEST);
        }
        return nbClusters;
    }
}
