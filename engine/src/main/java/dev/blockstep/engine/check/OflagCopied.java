package dev.blockstep.engine.check;

import dev.blockstep.engine.qcow2.format.MetadataOverlap;
import static dev.blockstep.engine.qcow2.format.Qcow2Constants.*;

import dev.blockstep.engine.qcow2.format.ClusterType;
import dev.blockstep.engine.qcow2.format.L2Entry;
import java.nio.ByteBuffer;

/**
 * check_oflag_copied: COPIED must be set exactly when the on-disk refcount is 1, on every active L1 entry
 * and every NORMAL or ZERO_ALLOC L2 entry. A repair sets or clears the bit: always under -r all, and under
 * -r leaks only when everything before came out clean (then the refcounts can be trusted).
 */
final class OflagCopied {

    private final Qcow2Check c;

    OflagCopied(Qcow2Check check) {
        this.c = check;
    }

    void run() throws CheckException {
        CheckCounters res = c.res;
        boolean repair = c.fix.fixErrors()
                || (c.fix.fixLeaks() && res.checkErrors == 0 && res.corruptions == 0 && res.leaks == 0);
        OpenImage.L1Entries l1 = c.image.l1();
        for (int k = 0; k < l1.count(); k++) {
            int i = l1.index()[k];
            long l1Entry = l1.value()[k];
            long l2Offset = l1Entry & L1E_OFFSET_MASK;
            if (l2Offset == 0) {
                continue;
            }
            long refcount;
            try {
                refcount = c.onDisk.refcount(l2Offset >>> c.clusterBits);
            } catch (RefcountBlocks.Unreadable e) {
                continue;
            }
            if ((refcount == 1) != ((l1Entry & QCOW_OFLAG_COPIED) != 0)) {
                res.corruptions++;
                c.out.err((repair ? "Repairing" : "ERROR") + " OFLAG_COPIED L2 cluster: l1_index=" + i + " l1_entry="
                        + Long.toHexString(l1Entry) + " refcount=" + Long.toUnsignedString(refcount));
                if (repair) {
                    l1.value()[k] = refcount == 1 ? l1Entry | QCOW_OFLAG_COPIED : l1Entry & ~QCOW_OFLAG_COPIED;
                    long at = c.image.header().l1TableOffset() + 8L * i;
                    if (!c.writeAllowed(MetadataOverlap.ACTIVE_L1, at, 8)) {
                        res.checkErrors++;
                        throw Qcow2Check.ioError();
                    }
                    // qcow2_write_l1_entry: one entry, as the file's request alignment is 1 byte
                    c.target.write(at, Qcow2Check.be64(l1.value()[k]));
                    res.corruptions--;
                    res.corruptionsFixed++;
                }
            }
            checkL2(l2Offset, repair);
        }
    }

    private void checkL2(long l2Offset, boolean repair) throws CheckException {
        CheckCounters res = c.res;
        byte[] raw = c.bytes.read(l2Offset, (int) c.clusterSize);
        ByteBuffer table = ByteBuffer.wrap(raw);
        int dirty = 0;
        for (int j = 0; j < c.image.l2Size(); j++) {
            long entry = table.getLong(8 * j);
            ClusterType type = new L2Entry(entry).type();
            if (type != ClusterType.NORMAL && type != ClusterType.ZERO_ALLOC) {
                continue;
            }
            long refcount;
            try {
                refcount = c.onDisk.refcount((entry & L2E_OFFSET_MASK) >>> c.clusterBits);
            } catch (RefcountBlocks.Unreadable e) {
                continue;
            }
            if ((refcount == 1) != ((entry & QCOW_OFLAG_COPIED) != 0)) {
                res.corruptions++;
                c.out.err((repair ? "Repairing" : "ERROR") + " OFLAG_COPIED data cluster: l2_entry="
                        + Long.toHexString(entry) + " refcount=" + Long.toUnsignedString(refcount));
                if (repair) {
                    table.putLong(8 * j, refcount == 1 ? entry | QCOW_OFLAG_COPIED : entry & ~QCOW_OFLAG_COPIED);
                    dirty++;
                }
            }
        }
        if (dirty > 0) {
            if (!c.writeAllowed(MetadataOverlap.ACTIVE_L2, l2Offset, c.clusterSize)) {
                c.out.err("ERROR: Could not write L2 table; metadata overlap check failed: Input/output error");
                res.checkErrors++;
                throw Qcow2Check.ioError();
            }
            c.target.write(l2Offset, raw);
            res.corruptions -= dirty;
            res.corruptionsFixed += dirty;
        }
    }
}
