package dev.blockstep.engine.check;

import dev.blockstep.engine.qcow2.format.MetadataOverlap;
import static dev.blockstep.engine.qcow2.format.Qcow2Constants.*;

import dev.blockstep.engine.qcow2.format.ClusterType;
import dev.blockstep.engine.qcow2.format.L2Entry;
import java.nio.ByteBuffer;

/**
 * check_refcounts_l1 and check_refcounts_l2 for the active L1 table: every L2 table and every data or
 * compressed cluster it references is counted, entries with reserved bits or unaligned offsets are
 * reported, and under {@code -r all} an unaligned preallocated zero entry is made a plain zero entry.
 */
final class ActiveTablesWalk {

    private static final int COMPRESSED_SECTOR_SIZE = 512;

    private final Qcow2Check c;
    private final RepairMode mode;

    ActiveTablesWalk(Qcow2Check check, RepairMode mode) {
        this.c = check;
        this.mode = mode;
    }

    void run() throws CheckException {
        int l1Size = c.image.header().l1Size();
        if (l1Size == 0) {
            return;
        }
        c.count(c.image.header().l1TableOffset(), 8L * l1Size, ClusterRole.L1, -1);
        OpenImage.L1Entries l1 = c.image.l1();
        for (int k = 0; k < l1.count(); k++) {
            int i = l1.index()[k];
            long entry = l1.value()[k];
            if ((entry & L1E_RESERVED_MASK) != 0) {
                c.out.err("ERROR found L1 entry with reserved bits set: " + Long.toHexString(entry));
                c.res.corruptions++;
            }
            long l2Offset = entry & L1E_OFFSET_MASK;
            c.count(l2Offset, c.clusterSize, ClusterRole.L2, -1);
            if ((l2Offset & (c.clusterSize - 1)) != 0) {
                c.out.err("ERROR l2_offset=" + Long.toHexString(l2Offset) + ": Table is not cluster aligned; L1 entry corrupted");
                c.res.corruptions++;
            }
            countL2(l2Offset, (long) i * c.image.l2Size());
        }
    }

    private void countL2(long l2Offset, long firstGuest) throws CheckException {
        ByteBuffer table = ByteBuffer.wrap(c.bytes.read(l2Offset, (int) c.clusterSize));
        int csizeShift = 62 - (c.clusterBits - 8);
        long csizeMask = (1L << (c.clusterBits - 8)) - 1;
        long clusterOffsetMask = (1L << csizeShift) - 1;
        long nextContiguous = 0;
        for (int j = 0; j < c.image.l2Size(); j++) {
            long entry = table.getLong(8 * j);
            long guest = firstGuest + j;
            ClusterType type = new L2Entry(entry).type();
            if (type != ClusterType.COMPRESSED && (entry & L2E_STD_RESERVED_MASK) != 0) {
                c.out.err("ERROR found l2 entry with reserved bits set: " + Long.toHexString(entry));
                c.res.corruptions++;
            }
            switch (type) {
                case COMPRESSED -> {
                    if ((entry & QCOW_OFLAG_COPIED) != 0) {
                        c.out.err("ERROR: coffset=0x" + Long.toHexString(entry & clusterOffsetMask)
                                + ": copied flag must never be set for compressed clusters");
                        entry &= ~QCOW_OFLAG_COPIED;
                        c.res.corruptions++;
                    }
                    long coffset = entry & clusterOffsetMask;
                    long sectors = ((entry >>> csizeShift) & csizeMask) + 1;
                    long csize = sectors * COMPRESSED_SECTOR_SIZE - (coffset & (COMPRESSED_SECTOR_SIZE - 1));
                    c.count(coffset, csize, ClusterRole.DATA, guest);
                    c.res.allocated++;
                    c.res.compressed++;
                    c.res.fragmented++;
                }
                case NORMAL, ZERO_ALLOC -> {
                    long offset = entry & L2E_OFFSET_MASK;
                    if ((offset & (c.clusterSize - 1)) != 0) {
                        c.res.corruptions++;
                        if ((entry & QCOW_OFLAG_ZERO) != 0) {
                            c.out.err((mode.fixErrors() ? "Repairing" : "ERROR") + " offset=" + Long.toHexString(offset)
                                    + ": Preallocated cluster is not properly aligned; L2 entry corrupted.");
                            if (mode.fixErrors()) {
                                // fix_l2_entry_by_zero: the entry becomes a plain zero cluster, referencing nothing
                                if (!c.writeAllowed(MetadataOverlap.ACTIVE_L2, l2Offset + 8L * j, 8)) {
                                    c.out.err("ERROR: Overlap check failed");
                                    c.res.checkErrors++;
                                    throw Qcow2Check.ioError();
                                }
                                c.target.write(l2Offset + 8L * j, Qcow2Check.be64(QCOW_OFLAG_ZERO));
                                c.res.corruptions--;
                                c.res.corruptionsFixed++;
                                continue;
                            }
                        } else {
                            c.out.err("ERROR offset=" + Long.toHexString(offset)
                                    + ": Data cluster is not properly aligned; L2 entry corrupted.");
                        }
                    }
                    c.res.allocated++;
                    if (nextContiguous != 0 && offset != nextContiguous) {
                        c.res.fragmented++;
                    }
                    nextContiguous = offset + c.clusterSize;
                    c.count(offset, c.clusterSize, ClusterRole.DATA, guest);
                }
                default -> {
                }
            }
        }
    }
}
