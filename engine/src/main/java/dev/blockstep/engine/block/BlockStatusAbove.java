package dev.blockstep.engine.block;

import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.BackingImage;
import dev.blockstep.engine.qcow2.Qcow2Clusters;
import dev.blockstep.engine.qcow2.Qcow2Driver;
import dev.blockstep.engine.qcow2.format.ClusterType;

/**
 * bdrv_block_status_above(bs, NULL, ...) with want_zero, as a mirror asks it of its source: the status of the first
 * layer of the chain that allocates the offset, for the bytes over which every layer above it stays unallocated
 * and that layer's own answer holds. So an answer never spans two layers: a run of the top's data ends where the
 * top's clusters stop, and a run that falls through ends where the layer below changes. Every answer is DATA or
 * ZERO: the third, neither (on which a mirror discards the target), needs a chain whose bottom has a backing file
 * it cannot read, and blockstep opens none such.
 */
public final class BlockStatusAbove {
    /** What the answer says of its bytes: BDRV_BLOCK_DATA, or BDRV_BLOCK_ZERO without it. */
    public enum Status { DATA, ZERO }

    /** {@code bytes} from the asked offset (at least one) are {@code status}. */
    public record Answer(Status status, long bytes) {
    }

    private BlockStatusAbove() {
    }

    /** The answer for [offset, offset+bytes) of {@code top}; the lookups are {@code co}'s. */
    public static Answer of(Qcow2Driver top, int co, long offset, long bytes) {
        long n = Math.min(bytes, top.size() - offset);
        Qcow2Clusters.StatusRun run = top.clusters().statusRun(co, offset, n);
        BackingImage below = top.backingImage();
        while (run.type() == ClusterType.UNALLOCATED) {
            n = run.bytes();
            if (below == null || offset >= below.size()) {
                // the bottom of the chain, or past a short backing file's end: what nothing allocates reads as zero
                return new Answer(Status.ZERO, n);
            }
            n = Math.min(n, below.size() - offset);
            if (below instanceof BackingImage.Raw raw) {
                return rawRun(raw, offset, n);
            }
            Qcow2Driver d = ((BackingImage.Qcow2) below).driver();
            run = d.clusters().statusRun(co, offset, n);
            below = d.backingImage();
        }
        return new Answer(run.type() == ClusterType.NORMAL || run.type() == ClusterType.COMPRESSED ? Status.DATA
                : Status.ZERO, run.bytes());
    }

    /** file-posix under a raw backing: a run of data or of holes (blockstep keeps all-zero pages as holes). */
    public static Answer rawRun(BackingImage.Raw raw, long offset, long bytes) {
        long page = 1L << HostFile.PAGE_BITS;
        long end = offset + bytes;
        long at = Math.min(end, (offset / page + 1) * page);
        boolean zero = raw.blockStatusZero(offset, at - offset);
        while (at < end && raw.blockStatusZero(at, Math.min(page, end - at)) == zero) {
            at = Math.min(end, at + page);
        }
        return new Answer(zero ? Status.ZERO : Status.DATA, at - offset);
    }
}
