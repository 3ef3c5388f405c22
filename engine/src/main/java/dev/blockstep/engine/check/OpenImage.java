package dev.blockstep.engine.check;

import dev.blockstep.engine.qcow2.format.Header;

/**
 * What qemu holds in memory after opening an image for a check: the header, the active L1 table and the
 * refcount table, read once at open time as qcow2_do_open does.
 *
 * @param refcountTable in-memory refcount table, {@code refcount_table_clusters * cluster_size / 8} entries
 */
record OpenImage(Header header, long fileLength, long[] l1, long[] refcountTable) {

    int clusterBits() {
        return header.clusterBits();
    }

    long clusterSize() {
        return 1L << header.clusterBits();
    }

    /** Entries per L2 table (standard entries only). */
    int l2Size() {
        return 1 << (header.clusterBits() - 3);
    }

    /** log2 of the number of refcounts one refcount block holds. */
    int refcountBlockBits() {
        return header.clusterBits() - (header.refcountOrder() - 3);
    }
}
