package dev.blockstep.engine.qcow2.format;

import java.util.ArrayList;
import java.util.List;

/**
 * What qcow2_get_specific_info reports for an image (qemu's ImageInfoSpecificQCow2), as qemu-io's {@code info}
 * and {@code qemu-img info} print it. A version 2 image has no feature bits, so it reports only its compat level,
 * compression type and refcount width.
 */
public record FormatSpecificInfo(boolean v2, boolean lazyRefcounts, int refcountBits, boolean corrupt,
                                 boolean extendedL2) {

    /** The report for a header; {@code corrupt} also when qemu has marked the image corrupt while open. */
    public static FormatSpecificInfo of(Header h, boolean markedCorrupt) {
        boolean v2 = h.version() == 2;
        return new FormatSpecificInfo(v2, (h.compatibleFeatures() & Qcow2Constants.COMPAT_LAZY_REFCOUNTS) != 0,
                h.refcountBits(), markedCorrupt || (h.incompatibleFeatures() & Qcow2Constants.INCOMPAT_CORRUPT) != 0,
                (h.incompatibleFeatures() & Qcow2Constants.INCOMPAT_EXTL2) != 0);
    }

    /** bdrv_image_info_specific_dump's lines under "Format specific information:", indented by four spaces. */
    public List<String> humanLines() {
        List<String> out = new ArrayList<>();
        out.add("    compat: " + (v2 ? "0.10" : "1.1"));
        out.add("    compression type: zlib");
        if (!v2) {
            out.add("    lazy refcounts: " + lazyRefcounts);
        }
        out.add("    refcount bits: " + refcountBits);
        if (!v2) {
            out.add("    corrupt: " + corrupt);
            out.add("    extended l2: " + extendedL2);
        }
        return out;
    }

    /**
     * qcow2_vm_state_offset: where the VM state starts, the guest size rounded up to what whole L1 entries map
     * (an L2 table maps cluster size / entry size clusters; an extended entry takes 16 bytes).
     */
    public static long vmStateOffset(Header h) {
        int l2Bits = h.clusterBits() - ((h.incompatibleFeatures() & Qcow2Constants.INCOMPAT_EXTL2) != 0 ? 4 : 3);
        int shift = h.clusterBits() + l2Bits;
        long l1Index = (h.size() + (1L << shift) - 1) >>> shift;
        return l1Index << shift;
    }
}
