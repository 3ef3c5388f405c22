package dev.blockstep.engine.qcow2;

import static dev.blockstep.engine.qcow2.format.Qcow2Constants.QCOW_OFLAG_ZERO;

import dev.blockstep.engine.qcow2.format.ClusterType;
import dev.blockstep.engine.qcow2.format.L2Entry;
import java.util.ArrayList;
import java.util.List;

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
     * Whether qcow2_co_pwrite_zeroes must widen this piece: it does not start or end on a cluster boundary (an end
     * at the image's end counts as a boundary). The generic layer has already split the request so that such a
     * piece stays inside one cluster.
     */
    boolean needsWidening(long offset, long bytes) {
        return head(offset) != 0 || tail(offset, bytes) != 0;
    }

    /**
     * The ranges is_zero asks block status about before qemu widens an unaligned piece, in qemu's order (the rest
     * of the cluster before the piece, then after it), clamped to the image and without the empty ones: is_zero
     * returns true for an empty range without asking, so only these take s->lock. Each lies inside one cluster,
     * so one qcow2_co_block_status call answers it.
     */
    List<long[]> isZeroQueries(long offset, long bytes) {
        List<long[]> q = new ArrayList<>(2);
        addClamped(q, offset - head(offset), head(offset));
        addClamped(q, offset + bytes, tail(offset, bytes));
        return q;
    }

    private void addClamped(List<long[]> q, long offset, long bytes) {
        if (offset + bytes > roundedVirtualSize()) {
            bytes = roundedVirtualSize() - offset;
        }
        if (bytes > 0) {
            q.add(new long[] {offset, bytes});
        }
    }

    /**
     * Lock held: what qcow2_co_block_status, under the generic layer, says about a range inside one cluster:
     * whether it reads as zero (BDRV_BLOCK_ZERO), asking the backing chain under unallocated clusters.
     */
    boolean blockStatusZero(long offset, long bytes) {
        return reader.readsAsZero(offset, bytes);
    }

    /**
     * Lock held: the rest of qcow2_co_pwrite_zeroes for one piece, after is_zero found the rest of an unaligned
     * piece's cluster zero (the caller asks block status first, each query its own lock section). An unaligned
     * piece is widened to its whole cluster, but only if the cluster is still unallocated or a zero cluster: a
     * write may have linked data since the check. Returns false for -ENOTSUP: the caller then writes real zeros.
     */
    boolean pwriteZeroes(long offset, long bytes, boolean mayUnmap, boolean punchNow) {
        if (needsWidening(offset, bytes)) {
            ClusterType t = reader.map(offset).type();
            if (t != ClusterType.UNALLOCATED && t != ClusterType.ZERO_PLAIN && t != ClusterType.ZERO_ALLOC) {
                return false;
            }
            offset = s.startOfCluster(offset);
            bytes = s.clusterSize;
        }
        if (s.header.version() < 3 && s.backing != null) {
            // qcow2_subcluster_zeroize's -ENOTSUP: the generic layer writes a buffer of zeros instead
            return false;
        }
        subclusterZeroize(offset, bytes, mayUnmap, punchNow);
        return true;
    }

    private long head(long offset) {
        return s.offsetIntoCluster(offset);
    }

    private long tail(long offset, long bytes) {
        long end = offset + bytes;
        return end == roundedVirtualSize() ? 0 : HostOffsetAllocator.roundUp(end, s.clusterSize) - end;
    }

    /** bs->total_sectors * 512. */
    long roundedVirtualSize() {
        return HostOffsetAllocator.roundUp(s.virtualSize, 512);
    }

    void subclusterZeroize(long offset, long bytes, boolean mayUnmap, boolean punchNow) {
        if (s.header.version() < 3) {
            // version 2 has no zero flag: without a backing file a discard reads as zeros, with one it cannot
            if (s.backing != null) {
                throw new Qcow2Error(Qcow2Error.ENOTSUP, "a version 2 image cannot hold zero clusters");
            }
            clusterDiscard(offset, bytes, punchNow);
            return;
        }
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
            tables.setEntry(l2, guest, updated, false);
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
        if (s.header.version() < 3 && s.backing != null) {
            // -ENOTSUP, which bdrv_co_pdiscard ignores: a discard could expose the backing file's data
            return false;
        }
        if (((offset | bytes) & (s.clusterSize - 1)) != 0) {
            if (s.offsetIntoCluster(offset) != 0 || offset + bytes != roundedVirtualSize()) {
                return false;
            }
        }
        clusterDiscard(offset, bytes, punchNow);
        return true;
    }

    void clusterDiscard(long offset, long bytes, boolean punchNow) {
        clusterDiscard(offset, bytes, punchNow, DiscardType.REQUEST, false);
    }

    /**
     * qcow2_cluster_discard with its discard type and full_discard: a full discard leaves the entries empty, so the
     * clusters fall through to the backing file (truncate's shrink uses it with QCOW2_DISCARD_ALWAYS).
     */
    void clusterDiscard(long offset, long bytes, boolean punchNow, DiscardType type, boolean full) {
        long nbClusters = s.sizeToClusters(bytes);
        s.cacheDiscards = true;
        boolean ok = false;
        try {
            while (nbClusters > 0) {
                long cleared = discardInL2Slice(offset, nbClusters, type, full);
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

    private long discardInL2Slice(long offset, long nbClusters, DiscardType type, boolean full) {
        long l2 = tables.getClusterTable(offset);
        nbClusters = Math.min(nbClusters, s.l2Size - s.l2Index(offset));
        for (long i = 0; i < nbClusters; i++) {
            long guest = offset + (i << s.clusterBits);
            L2Entry old = tables.entry(l2, guest);
            // a full discard empties the entry; otherwise the cluster must read as zeroes afterwards, so with a
            // backing file even an unallocated cluster becomes a zero cluster (qemu 7.2 discard_in_l2_slice)
            long zeroEntry = s.header.version() >= 3 ? QCOW_OFLAG_ZERO : 0;
            long updated = full ? 0 : old.type().isAllocated() || s.backing != null ? zeroEntry : old.raw();
            if (updated == old.raw()) {
                continue;
            }
            tables.setEntry(l2, guest, updated, false);
            if (old.type().isAllocated()) {
                linker.freeAnyCluster(old, type);
            }
        }
        return nbClusters;
    }
}
