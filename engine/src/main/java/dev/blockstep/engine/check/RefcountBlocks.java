package dev.blockstep.engine.check;

import static dev.blockstep.engine.qcow2.format.Qcow2Constants.REFT_OFFSET_MASK;

import java.util.Map;
import java.util.TreeMap;

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
    private final int order;
    private long[] table;
    private long cachedOffset = -1;
    private byte[] cached;
    /** Blocks a repair changed, by offset: qemu's refcount cache holds them until it is flushed. */
    private final Map<Long, byte[]> dirty = new TreeMap<>();
    private final CorruptionEvents events;

    RefcountBlocks(OpenImage image, ImageBytes bytes, CorruptionEvents events) {
        this.image = image;
        this.bytes = bytes;
        this.events = events;
        this.order = image.header().refcountOrder();
        this.table = image.refcountTable();
    }

    /** The refcount table in memory (s->refcount_table); a rebuild replaces it. */
    long[] table() {
        return table;
    }

    /** A rebuilt refcount table takes over; the caller has flushed this cache first. */
    void replaceTable(long[] newTable) {
        table = newTable;
        cachedOffset = -1;
        cached = null;
    }

    /**
     * update_refcount for one cluster whose block exists and is readable: the new value stays in the cache
     * until {@link #flush}.
     */
    void set(long cluster, long value) throws Unreadable {
        long index = cluster >>> image.refcountBlockBits();
        byte[] block = block(index);
        long offset = table[(int) index] & REFT_OFFSET_MASK;
        dirty.putIfAbsent(offset, block);
        setEntry(block, (int) (cluster & (blockSize() - 1)), value);
    }

    /** qcow2_cache_flush of the refcount cache: every changed block is written whole. */
    void flush(RepairedImage target) {
        for (Map.Entry<Long, byte[]> e : dirty.entrySet()) {
            target.write(e.getKey(), e.getValue());
        }
        dirty.clear();
        cachedOffset = -1;
        cached = null;
    }

    /** Refcounts one block holds. */
    long blockSize() {
        return 1L << image.refcountBlockBits();
    }

    /** The block's data, or null when the refcount table has no block there (all refcounts 0). */
    byte[] block(long tableIndex) throws Unreadable {
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
            events.signal("Refblock offset 0x" + Long.toHexString(offset) + " unaligned (reftable index: "
                    + (tableIndex == 0 ? "0" : "0x" + Long.toHexString(tableIndex)) + ")");
            throw UNREADABLE;
        }
        byte[] changed = dirty.get(offset);
        if (changed != null) {
            return changed;
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

    /** Stores entry {@code i} at the image's refcount width, the inverse of {@link #entry}. */
    void setEntry(byte[] block, int i, long v) {
        switch (order) {
            case 0 -> block[i >>> 3] = (byte) ((block[i >>> 3] & ~(1 << (i & 7))) | ((v & 1) << (i & 7)));
            case 1 -> block[i >>> 2] = (byte) ((block[i >>> 2] & ~(3 << (2 * (i & 3)))) | ((v & 3) << (2 * (i & 3))));
            case 2 -> block[i >>> 1] = (byte) ((block[i >>> 1] & ~(0xf << (4 * (i & 1)))) | ((v & 0xf) << (4 * (i & 1))));
            case 3 -> block[i] = (byte) v;
            case 4 -> {
                block[2 * i] = (byte) (v >>> 8);
                block[2 * i + 1] = (byte) v;
            }
            case 5 -> {
                for (int k = 0; k < 4; k++) {
                    block[4 * i + k] = (byte) (v >>> (24 - 8 * k));
                }
            }
            default -> {
                for (int k = 0; k < 8; k++) {
                    block[8 * i + k] = (byte) (v >>> (56 - 8 * k));
                }
            }
        }
    }
}
