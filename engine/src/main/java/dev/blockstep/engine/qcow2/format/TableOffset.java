package dev.blockstep.engine.qcow2.format;

/** qemu's validate_table_offset, shared by the driver's open and the checker's open. */
public final class TableOffset {

    /** sizeof(QCowSnapshotHeader): the fixed part of a snapshot table entry. */
    public static final int SNAPSHOT_HEADER_SIZE = 40;

    private TableOffset() {
    }

    /** No overflow of int64 (even for an empty table) and a cluster-aligned start. */
    public static boolean valid(long offset, long entries, int entryLength, long clusterSize) {
        if (entries > Long.MAX_VALUE / entryLength) {
            return false;
        }
        long size = entries * entryLength;
        if (Long.compareUnsigned(Long.MAX_VALUE - size, offset) < 0) {
            return false;
        }
        return (offset & (clusterSize - 1)) == 0;
    }
}
