package dev.blockstep.trace;

/**
 * The alignment rule for request offsets and lengths in a trace.
 *
 * <p>qemu-io itself accepts byte granularity, but every offset and length in a trace must be a multiple of
 * {@link #SECTOR} (qemu's BDRV_SECTOR_SIZE). The race blockstep teaches is about cluster metadata; a
 * sub-sector write adds only a read-modify-write of one sector in the file layer and no qcow2 behaviour that a
 * 512-aligned partial-cluster write does not already show. Keeping sector alignment lets the engine store
 * data in sector units and keeps traces comparable with qemu's own tracked-request offsets. Partial-cluster
 * requests (multiples of 512 below the cluster size) stay legal because they do matter: a partial discard is
 * ignored and a partial write-zeroes may become a real write.
 */
public final class Alignment {

    /** Every request offset and length is a multiple of this. */
    public static final int SECTOR = 512;

    /** qemu's BDRV_REQUEST_MAX_BYTES: INT_MAX rounded down to a sector. */
    public static final long MAX_REQUEST_BYTES = 0x7fff_fe00L;

    private Alignment() {
    }

    public static boolean isSectorMultiple(long value) {
        return value >= 0 && value % SECTOR == 0;
    }
}
