package dev.blockstep.engine.qcow2;

import dev.blockstep.engine.qcow2.format.MetadataOverlap;
import dev.blockstep.engine.qcow2.format.Qcow2Constants;
import java.util.Map;
import java.util.function.LongPredicate;

/**
 * The driver's tables as qcow2_check_metadata_overlap sees them: the cached L1 table and the refcount table up to
 * its highest used index. A hit makes qemu signal a fatal corruption ("Preventing invalid write on metadata
 * (overlaps with ...)") and fail the write with EIO.
 */
final class OverlapCheck implements MetadataOverlap.Layout {

    private final Qcow2State s;

    private OverlapCheck(Qcow2State s) {
        this.s = s;
    }

    /**
     * qcow2_pre_write_overlap_check: called before every write the driver makes to the host file, guest data and
     * COW (ignore 0) as well as its own tables, each of which leaves itself out through {@code ignore}
     * ({@link MetadataOverlap#ACTIVE_L2} for an L2 table, {@link MetadataOverlap#ACTIVE_L1} for an L1 entry).
     */
    static void preWrite(Qcow2State s, Refcounts refcounts, int ignore, long offset, long size) {
        String hit = hit(s, ignore, offset, size);
        if (hit != null) {
            throw refcounts.corruption("Preventing invalid write on metadata (overlaps with " + hit + ")");
        }
    }

    /** The name of the first structure the write would overlap, or null: the check without its consequence. */
    static String hit(Qcow2State s, int ignore, long offset, long size) {
        return MetadataOverlap.find(new OverlapCheck(s), ignore, offset, size);
    }

    @Override
    public long clusterSize() {
        return s.clusterSize;
    }

    @Override
    public long l1TableOffset() {
        return s.l1TableOffset;
    }

    @Override
    public long l1Size() {
        return s.l1Size;
    }

    @Override
    public long refcountTableOffset() {
        return s.refcountTableOffset;
    }

    @Override
    public long refcountTableEntries() {
        return s.refcountTableSize;
    }

    @Override
    public boolean anyL2Table(LongPredicate hit) {
        for (Map.Entry<Integer, Long> e : s.l1Table.nonZero()) {
            if (hit.test(e.getValue() & Qcow2Constants.L1E_OFFSET_MASK)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean anyRefcountBlock(LongPredicate hit) {
        for (int i = 0; i <= s.maxRefcountTableIndex && i < s.refcountTable.length; i++) {
            if (hit.test(s.refcountTable[i] & Qcow2Constants.REFT_OFFSET_MASK)) {
                return true;
            }
        }
        return false;
    }
}
