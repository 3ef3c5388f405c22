package dev.blockstep.engine.qcow2.format;

import java.util.function.LongPredicate;

/**
 * qcow2_check_metadata_overlap with qemu's default overlap-check set ("cached"): the host range is rounded out to
 * whole clusters and tested against the main header, the active L1 table, the refcount table, every active L2
 * table and every refcount block, in that order; the first hit names the structure as qemu prints it. The driver
 * (before guest data writes) and the checker's repair (before each of its writes) both ask here, each describing
 * its in-memory tables through a {@link Layout}.
 *
 * <p>Not modelled: the snapshot table, inactive L1 tables and the bitmap directory, which blockstep refuses at
 * open.
 */
public final class MetadataOverlap {

    /** The structures a caller may leave out of the check, as qemu's {@code ign} mask does. */
    public static final int MAIN_HEADER = 1;
    public static final int ACTIVE_L1 = 2;
    public static final int ACTIVE_L2 = 4;
    public static final int REFCOUNT_TABLE = 8;
    public static final int REFCOUNT_BLOCK = 16;

    /** The in-memory metadata a check compares against. */
    public interface Layout {
        long clusterSize();

        long l1TableOffset();

        /** Entries in the active L1 table. */
        long l1Size();

        long refcountTableOffset();

        /** Entries of the refcount table that count as the table's extent. */
        long refcountTableEntries();

        /** True as soon as {@code hit} accepts the host offset of an active L2 table. */
        boolean anyL2Table(LongPredicate hit);

        /** True as soon as {@code hit} accepts the host offset of a refcount block. */
        boolean anyRefcountBlock(LongPredicate hit);
    }

    private MetadataOverlap() {
    }

    /** The name qemu prints for the first structure the write overlaps, skipping those in {@code ignore}, or null. */
    public static String find(Layout m, int ignore, long offset, long size) {
        if (size <= 0) {
            return null;
        }
        long cs = m.clusterSize();
        if ((ignore & MAIN_HEADER) == 0 && Long.compareUnsigned(offset, cs) < 0) {
            return "qcow2_header";
        }
        long start = offset & -cs;
        long length = ((offset - start) + size + cs - 1) & -cs;
        if ((ignore & ACTIVE_L1) == 0 && m.l1Size() > 0 && overlaps(start, length, m.l1TableOffset(), 8L * m.l1Size())) {
            return "active L1 table";
        }
        if ((ignore & REFCOUNT_TABLE) == 0 && m.refcountTableEntries() > 0
                && overlaps(start, length, m.refcountTableOffset(), 8L * m.refcountTableEntries())) {
            return "refcount table";
        }
        if ((ignore & ACTIVE_L2) == 0 && m.anyL2Table(l2 -> l2 != 0 && overlaps(start, length, l2, cs))) {
            return "active L2 table";
        }
        if ((ignore & REFCOUNT_BLOCK) == 0
                && m.anyRefcountBlock(block -> block != 0 && overlaps(start, length, block, cs))) {
            return "refcount block";
        }
        return null;
    }

    /** ranges_overlap on non-empty ranges, unsigned, so that a damaged table's huge offsets compare as qemu's do. */
    private static boolean overlaps(long a, long aLength, long b, long bLength) {
        return Long.compareUnsigned(a, b + bLength - 1) <= 0 && Long.compareUnsigned(b, a + aLength - 1) <= 0;
    }
}
