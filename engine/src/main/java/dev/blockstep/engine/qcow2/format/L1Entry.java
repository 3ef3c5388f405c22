package dev.blockstep.engine.qcow2.format;

import static dev.blockstep.engine.qcow2.format.Qcow2Constants.L1E_OFFSET_MASK;
import static dev.blockstep.engine.qcow2.format.Qcow2Constants.L1E_RESERVED_MASK;
import static dev.blockstep.engine.qcow2.format.Qcow2Constants.QCOW_OFLAG_COPIED;

/** One L1 entry: the raw 64-bit value, pointing at an L2 table. */
public record L1Entry(long raw) {

    public long l2Offset() {
        return raw & L1E_OFFSET_MASK;
    }

    public boolean copied() {
        return (raw & QCOW_OFLAG_COPIED) != 0;
    }

    public boolean hasReservedBits() {
        return (raw & L1E_RESERVED_MASK) != 0;
    }

    public String hex() {
        return Long.toHexString(raw);
    }
}
