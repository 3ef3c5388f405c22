package dev.blockstep.engine.qcow2.format;

import static dev.blockstep.engine.qcow2.format.Qcow2Constants.L2E_OFFSET_MASK;
import static dev.blockstep.engine.qcow2.format.Qcow2Constants.L2E_STD_RESERVED_MASK;
import static dev.blockstep.engine.qcow2.format.Qcow2Constants.QCOW_OFLAG_COMPRESSED;
import static dev.blockstep.engine.qcow2.format.Qcow2Constants.QCOW_OFLAG_COPIED;
import static dev.blockstep.engine.qcow2.format.Qcow2Constants.QCOW_OFLAG_ZERO;

/** One standard (non-extended) L2 entry: the raw 64-bit big-endian value and its decoding. */
public record L2Entry(long raw) {

    public static final L2Entry UNALLOCATED = new L2Entry(0);
    public static final L2Entry ZERO_PLAIN = new L2Entry(QCOW_OFLAG_ZERO);

    public static L2Entry normal(long hostOffset) {
        return new L2Entry(hostOffset | QCOW_OFLAG_COPIED);
    }

    /** qcow2_get_cluster_type for a standard entry. */
    public ClusterType type() {
        if ((raw & QCOW_OFLAG_COMPRESSED) != 0) {
            return ClusterType.COMPRESSED;
        }
        if ((raw & QCOW_OFLAG_ZERO) != 0) {
            return hostOffset() != 0 ? ClusterType.ZERO_ALLOC : ClusterType.ZERO_PLAIN;
        }
        return hostOffset() == 0 ? ClusterType.UNALLOCATED : ClusterType.NORMAL;
    }

    /** Host offset of a non-compressed entry. */
    public long hostOffset() {
        return raw & L2E_OFFSET_MASK;
    }

    public boolean copied() {
        return (raw & QCOW_OFLAG_COPIED) != 0;
    }

    public boolean zero() {
        return (raw & QCOW_OFLAG_ZERO) != 0 && (raw & QCOW_OFLAG_COMPRESSED) == 0;
    }

    public boolean hasReservedBits() {
        return (raw & QCOW_OFLAG_COMPRESSED) == 0 && (raw & L2E_STD_RESERVED_MASK) != 0;
    }

    /** Lowercase hex without 0x, as qemu-img check prints entries. */
    public String hex() {
        return Long.toHexString(raw);
    }
}
