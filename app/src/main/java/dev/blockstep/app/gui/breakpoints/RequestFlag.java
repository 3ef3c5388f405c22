package dev.blockstep.app.gui.breakpoints;

import dev.blockstep.engine.block.RequestFlags;

/** The BDRV_REQ_* flags the engine models, by qemu's names and bit values, for breakpoint conditions. */
public enum RequestFlag {
    ZERO_WRITE(RequestFlags.ZERO_WRITE),
    MAY_UNMAP(RequestFlags.MAY_UNMAP),
    FUA(RequestFlags.FUA),
    SERIALISING(RequestFlags.SERIALISING);

    private final int bit;

    RequestFlag(int bit) {
        this.bit = bit;
    }

    public boolean in(int flags) {
        return (flags & bit) != 0;
    }

    /** As qemu spells it: BDRV_REQ_MAY_UNMAP. */
    public String qemuName() {
        return "BDRV_REQ_" + name();
    }
}
