package dev.blockstep.engine.check;

import dev.blockstep.engine.qcow2.format.Header;

/**
 * What qemu holds in memory after opening an image for a check: the header, the active L1 table and the
 * refcount table, read once at open time as qcow2_do_open does.
 *
 * @param l1            the active L1 table's non-zero entries (a 2 PiB image's table is 32 MiB, nearly all zeros)
 * @param refcountTable in-memory refcount table, {@code refcount_table_clusters * cluster_size / 8} entries
 */
record OpenImage(Header header, long fileLength, L1Entries l1, long[] refcountTable) {

    /** The non-zero entries of an L1 table: {@code index[k]} holds {@code value[k]}, indexes ascending. */
    record L1Entries(int[] index, long[] value) {
        int count() {
            return index.length;
        }
    }

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
