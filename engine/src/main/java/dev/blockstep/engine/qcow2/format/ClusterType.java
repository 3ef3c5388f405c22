package dev.blockstep.engine.qcow2.format;

/** What an L2 entry says about its guest cluster (qemu's QCow2ClusterType, no extended L2). */
public enum ClusterType {
    UNALLOCATED,
    ZERO_PLAIN,
    ZERO_ALLOC,
    NORMAL,
    COMPRESSED;

    /** NORMAL, COMPRESSED and ZERO_ALLOC own a host cluster; the others do not. */
    public boolean isAllocated() {
        return this == NORMAL || this == COMPRESSED || this == ZERO_ALLOC;
    }

    public boolean readsAsZero() {
        return this == ZERO_PLAIN || this == ZERO_ALLOC;
    }
}
