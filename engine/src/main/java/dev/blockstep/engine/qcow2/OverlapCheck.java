package dev.blockstep.engine.qcow2;

import dev.blockstep.engine.qcow2.format.Qcow2Constants;

/**
 * qcow2_check_metadata_overlap with qemu's default overlap-check set ("cached"): before a write lands, the host
 * range is tested against the main header, the active L1 table, the refcount table, every active L2 table and
 * every refcount block, in that order, and the first hit names the structure. qemu then signals a fatal
 * corruption ("Preventing invalid write on metadata (overlaps with ...)") and the write fails with EIO.
 *
 * <p>Not modelled: the snapshot table, inactive L1 tables and the bitmap directory, which the engine does not
 * load (images with snapshots or bitmaps are outside its scope).
 */
final class OverlapCheck {

    private OverlapCheck() {
    }

    /** The name qemu prints for the first metadata structure the write overlaps, or null. */
    static String find(Qcow2State s, long offset, long size) {
        if (size <= 0) {
            return null;
        }
        if (offset < s.clusterSize) {
            return "qcow2_header";
        }
        // the test works on whole clusters, as qemu rounds the range out before comparing
        long start = offset & ~(long) (s.clusterSize - 1);
        long end = roundUp(offset + size, s.clusterSize);
        if (s.l1Size > 0 && overlaps(start, end, s.l1TableOffset, 8L * s.l1Size)) {
            return "active L1 table";
        }
        if (s.refcountTableSize > 0 && overlaps(start, end, s.refcountTableOffset, 8L * s.refcountTableSize)) {
            return "refcount table";
        }
        for (var e : s.l1Table.nonZero()) {
            long l2 = e.getValue() & Qcow2Constants.L1E_OFFSET_MASK;
            if (l2 != 0 && overlaps(start, end, l2, s.clusterSize)) {
                return "active L2 table";
            }
        }
        for (int i = 0; i <= s.maxRefcountTableIndex && i < s.refcountTable.length; i++) {
            long block = s.refcountTable[i] & Qcow2Constants.REFT_OFFSET_MASK;
            if (block != 0 && overlaps(start, end, block, s.clusterSize)) {
                return "refcount block";
            }
        }
        return null;
    }

    private static boolean overlaps(long start, long end, long offset, long size) {
        return offset < end && start < offset + size;
    }

    private static long roundUp(long v, long align) {
        return (v + align - 1) & ~(align - 1);
    }
}
