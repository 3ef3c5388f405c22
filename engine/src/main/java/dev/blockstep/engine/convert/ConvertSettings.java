package dev.blockstep.engine.convert;

/**
 * What img_convert has settled before it copies (ImgConvertState's fields that steer the copy).
 *
 * @param compressed           -c: every data write is a compressed write of whole clusters
 * @param minSparse            -S in sectors: zero runs at least this long in a data buffer are not written as
 *                             data (0: everything is written as data, the target fully allocated)
 * @param hasZeroInit          the target reads as zero before the copy (--target-is-zero, or a new target whose
 *                             driver says so), so zero runs need no write
 * @param targetHasBacking     -B or -o backing_file: what the source's top leaves unallocated stays unallocated
 * @param targetBackingSectors the new target's backing file's length in sectors, or -1 when not known
 * @param clusterSectors       the target's cluster size in sectors (0 when its driver has none)
 * @param bufSectors           the copy buffer in sectors (a compressed copy uses one cluster)
 * @param alignment            the sectors that zero detection aligns its cuts to
 * @param copyRange            -C: data runs are copied with bdrv_co_copy_range, whole, until a source cluster
 *                             refuses it (a compressed one)
 */
public record ConvertSettings(boolean compressed, int minSparse, boolean hasZeroInit, boolean targetHasBacking,
                              long targetBackingSectors, long clusterSectors, long bufSectors, int alignment,
                              boolean copyRange) {
    /** IO_BUF_SIZE: the copy buffer of 2 MiB, in sectors. */
    public static final long DEFAULT_BUF_SECTORS = 4096;

    /** The alignment img_convert derives from -S and the target's request alignment (one sector here). */
    public static int alignmentFor(int minSparse) {
        return Math.max(minSparse == 0 ? 0 : Integer.highestOneBit(minSparse), 1);
    }
}
