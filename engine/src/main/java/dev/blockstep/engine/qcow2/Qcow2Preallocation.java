package dev.blockstep.engine.qcow2;

/**
 * The falloc and full preallocation of qcow2_co_truncate for a growth from {@code oldLength} to {@code newLength}
 * (qemu-img create is the growth from 0): the refcount structures move past everything in use, sized exactly for
 * the new data clusters and their L2 tables (qcow2_refcount_area, which frees the old table), the data clusters
 * follow them in one run, and the file grows over them as zeros (falloc and full give the same bytes). The
 * clusters are then linked slice by slice in guest order, starting at the cluster that holds {@code oldLength}: a
 * partly used last cluster gets a new, zeroed host cluster too, as qemu links it without copying its head.
 */
final class Qcow2Preallocation {
    /** Links {@code nbClusters} host clusters from {@code host} at the guest cluster {@code guest}, in one L2 slice. */
    @FunctionalInterface
    interface Link {
        void link(long guest, long host, long nbClusters, long cowStartBytes);
    }

    private Qcow2Preallocation() {
    }

    /** @param entrySize the L2 entry size, 8 (or 16 with extended L2 entries, which only create writes) */
    static void data(Qcow2State s, Refcounts refcounts, long oldLength, long newLength, int entrySize, Link link) {
        long clusterSize = s.clusterSize;
        long fileSize = s.file.length();
        long last = s.sizeToClusters(fileSize) - 1;
        while (last >= 0 && refcounts.getRefcount(last) == 0) {
            last--;
        }
        long oldFileSize = last >= 0 ? (last + 1) * clusterSize
                : HostOffsetAllocator.roundUp(fileSize, clusterSize);
        long firstGuest = oldLength / clusterSize * clusterSize;
        long clusters = (HostOffsetAllocator.roundUp(newLength, clusterSize) - firstGuest) / clusterSize;
        long perSlice = clusterSize / entrySize;
        // one more L2 table than the data needs, for a range that does not start on a table boundary
        long l2Tables = (clusters + perSlice - 1) / perSlice + 1;
        long start = new RefcountArea(s, refcounts).create(oldFileSize, clusters + l2Tables, true, 0, 0);
        long allocated = refcounts.allocClustersAt(start, clusters);
        if (allocated != clusters) {
            throw new IllegalStateException("the preallocated area at " + start + " was not free");
        }
        long end = start + clusters * clusterSize;
        if (end > s.file.length()) {
            s.file.writeZeroes(s.file.length(), end - s.file.length());
        }
        long guest = oldLength;
        long host = start;
        for (long left = clusters; left > 0; ) {
            long n = Math.min(left, perSlice - (guest / clusterSize) % perSlice);
            long cowStart = guest % clusterSize;
            guest -= cowStart;
            link.link(guest, host, n, cowStart);
            guest += n * clusterSize;
            host += n * clusterSize;
            left -= n;
        }
    }
}
