package dev.blockstep.engine.check;

import static dev.blockstep.engine.qcow2.format.Qcow2Constants.L1E_OFFSET_MASK;
import static dev.blockstep.engine.qcow2.format.Qcow2Constants.REFT_OFFSET_MASK;

import dev.blockstep.engine.qcow2.format.MetadataOverlap;
import java.util.function.LongPredicate;

/**
 * A check's tables as qcow2_check_metadata_overlap sees them during a repair: the L1 table read at open and the
 * refcount table as the repair has it now (a rebuild may have moved and grown it).
 */
final class CheckLayout implements MetadataOverlap.Layout {

    private final Qcow2Check c;

    CheckLayout(Qcow2Check c) {
        this.c = c;
    }

    @Override
    public long clusterSize() {
        return c.clusterSize;
    }

    @Override
    public long l1TableOffset() {
        return c.image.header().l1TableOffset();
    }

    @Override
    public long l1Size() {
        return c.image.header().l1Size();
    }

    @Override
    public long refcountTableOffset() {
        return c.refcountTableOffset;
    }

    @Override
    public long refcountTableEntries() {
        return c.onDisk.table().length;
    }

    @Override
    public boolean anyL2Table(LongPredicate hit) {
        OpenImage.L1Entries l1 = c.image.l1();
        for (int k = 0; k < l1.count(); k++) {
            if (hit.test(l1.value()[k] & L1E_OFFSET_MASK)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean anyRefcountBlock(LongPredicate hit) {
        for (long e : c.onDisk.table()) {
            if (hit.test(e & REFT_OFFSET_MASK)) {
                return true;
            }
        }
        return false;
    }
}
