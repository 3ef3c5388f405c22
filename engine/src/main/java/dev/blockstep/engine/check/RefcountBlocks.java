package dev.blockstep.engine.check;

import static dev.blockstep.engine.qcow2.format.Qcow2Constants.REFT_OFFSET_MASK;

/**
 * Reads on-disk refcounts through the refcount table and refcount blocks, as qcow2_get_refcount does,
 * keeping the last block read. A block whose offset is not cluster-aligned cannot be read: qemu then
 * signals corruption once and fails every lookup in that block with EIO.
 */
final class RefcountBlocks {

    /** Result of a lookup that failed; refcounts themselves are unsigned 64-bit values. */
    static final class Unreadable extends Exception {
        Unreadable() {
            super(null, null, false, false);
        }
    }

    private static final Unreadable UNREADABLE = new Unreadable();

    private final OpenImage image;
    private final ImageBytes bytes;
    private final CheckOutput out;
    private final int order;
    private long cachedOffset = -1;
    private byte[] cached;
    private boolean signalledCorruption;

    RefcountBlocks(OpenImage image, ImageBytes bytes, CheckOutput out) {
        this.image = image;
        this.bytes = bytes;
        this.out = out;
        this.order = image.header().refcountOrder();
    }

    /** Refcounts one block holds. */
    long blockSize() {
        return 1L << image.refcountBlockBits();
    }

    /** The block's data, or null when the refcount table has no block there (all refcounts 0). */
    byte[] block(long tableIndex) throws Unreadable {
        long[] table = image.refcountTable();
        if (tableIndex >= table.length) {
            return null;
        }
        long offset = table[(int) tableIndex] & REFT_OFFSET_MASK;
        if (offset == 0) {
            return null;
        }
        if (!Qcow2Open.readable(offset, image.clusterSize())) {
            throw UNREADABLE; // past what a pread can address: an I/O error, not a corruption event
        }
        if ((offset & (image.clusterSize() - 1)) != 0) {
            if (!signalledCorruption) {
                signalledCorruption = true;
                out.err("qcow2: Image is corrupt: Refblock offset 0x" + Long.toHexString(offset)
                        + " unaligned (reftable index: " + (tableIndex == 0 ? "0" : "0x" + Long.toHexString(tableIndex))
                        + "); further non-fatal corruption events will be suppressed");
            }
            throw UNREADABLE;
        }
        if (offset != cachedOffset) {
            cached = bytes.read(offset, (int) image.clusterSize());
            cachedOffset = offset;
        }
        return cached;
    }

    long refcount(long cluster) throws Unreadable {
        byte[] block = block(cluster >>> image.refcountBlockBits());
        return block == null ? 0 : entry(block, (int) (cluster & (blockSize() - 1)));
    }

    /** Entry {@code i} of a refcount block at the image's refcount width (bit order as qemu packs it). */
    long entry(byte[] block, int i) {
        switch (order) {
            case 0:
                return (block[i >>> 3] >>> (i & 7)) & 1;
            case 1:
                return (block[i >>> 2] >>> (2 * (i & 3))) & 3;
            case 2:
                return (block[i >>> 1] >>> (4 * (i & 1))) & 0xf;
            case 3:
                return block[i] & 0xff;
            case 4:
                return ((block[2 * i] & 0xff) << 8) | (block[2 * i + 1] & 0xff);
            case 5: {
                long v = 0;
                for (int k = 0; k < 4; k++) {
                    v = (v << 8) | (block[4 * i + k] & 0xff);
                }
                return v;
            }
            default: {
                long v = 0;
                for (int k = 0; k < 8; k++) {
                    v = (v << 8) | (block[8 * i + k] & 0xff);
                }
                return v;
            }
        }
    }
}
