package dev.blockstep.engine.check;

import static dev.blockstep.engine.qcow2.format.Qcow2Constants.L1E_OFFSET_MASK;
import static dev.blockstep.engine.qcow2.format.Qcow2Constants.REFT_OFFSET_MASK;

/**
 * qcow2_check_metadata_overlap with qemu's default "cached" mode, for the metadata a checkable image has
 * (header, active L1 and L2 tables, refcount table and blocks; snapshots and bitmaps are refused at open).
 * Every write a repair makes passes here first, as qcow2_pre_write_overlap_check.
 */
final class MetadataOverlap {

    static final int MAIN_HEADER = 1;
    static final int ACTIVE_L1 = 2;
    static final int ACTIVE_L2 = 4;
    static final int REFCOUNT_TABLE = 8;
    static final int REFCOUNT_BLOCK = 16;

    private MetadataOverlap() {
    }

    /** The first metadata kind the write would hit, skipping those in {@code ignore}, or null. */
    static String find(Qcow2Check c, int ignore, long offset, long size) {
        if (size == 0) {
            return null;
        }
        if ((ignore & MAIN_HEADER) == 0 && offset < c.clusterSize) {
            return "qcow2_header";
        }
        long start = offset & -c.clusterSize;
        long length = ((offset - start) + size + c.clusterSize - 1) & -c.clusterSize;
        int l1Size = c.image.header().l1Size();
        if ((ignore & ACTIVE_L1) == 0 && l1Size != 0
                && overlaps(start, length, c.image.header().l1TableOffset(), 8L * l1Size)) {
            return "active L1 table";
        }
        long[] reftable = c.onDisk.table();
        if ((ignore & REFCOUNT_TABLE) == 0 && reftable.length != 0
                && overlaps(start, length, c.refcountTableOffset, 8L * reftable.length)) {
            return "refcount table";
        }
        if ((ignore & ACTIVE_L2) == 0) {
            OpenImage.L1Entries l1 = c.image.l1();
            for (int k = 0; k < l1.count(); k++) {
                long l2 = l1.value()[k] & L1E_OFFSET_MASK;
                if (l2 != 0 && overlaps(start, length, l2, c.clusterSize)) {
                    return "active L2 table";
                }
            }
        }
        if ((ignore & REFCOUNT_BLOCK) == 0) {
            for (long e : reftable) {
                long block = e & REFT_OFFSET_MASK;
                if (block != 0 && overlaps(start, length, block, c.clusterSize)) {
                    return "refcount block";
                }
            }
        }
        return null;
    }

    /** ranges_overlap: both ranges are non-empty here. */
    private static boolean overlaps(long a, long aLength, long b, long bLength) {
        return Long.compareUnsigned(a, b + bLength - 1) <= 0 && Long.compareUnsigned(b, a + aLength - 1) <= 0;
    }
}
