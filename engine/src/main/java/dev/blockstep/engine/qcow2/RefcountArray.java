package dev.blockstep.engine.qcow2;

import dev.blockstep.engine.image.HostFile;

/**
 * Reads and writes one packed refcount inside a refcount block on the host file, for every refcount
 * width qcow2 allows (1 to 64 bits). Narrow widths pack from the least significant bit of each byte, as
 * qemu's get_refcount_ro0..ro2 do; 8 bits and wider are big-endian.
 */
final class RefcountArray {
    private final int order;
    private final byte[] scratch = new byte[8];

    RefcountArray(int refcountOrder) {
        this.order = refcountOrder;
    }

    long get(HostFile file, long blockOffset, long index) {
        int bits = 1 << order;
        if (bits < 8) {
            long bit = index * bits;
            file.read(blockOffset + bit / 8, scratch, 0, 1);
            return ((scratch[0] & 0xff) >>> (bit % 8)) & ((1 << bits) - 1);
        }
        int bytes = bits / 8;
        file.read(blockOffset + index * bytes, scratch, 0, bytes);
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            v = (v << 8) | (scratch[i] & 0xff);
        }
        return v;
    }

    void set(HostFile file, long blockOffset, long index, long value) {
        int bits = 1 << order;
        if (bits < 8) {
            long bit = index * bits;
            file.read(blockOffset + bit / 8, scratch, 0, 1);
            int shift = (int) (bit % 8);
            int mask = ((1 << bits) - 1) << shift;
            scratch[0] = (byte) ((scratch[0] & ~mask) | ((int) (value << shift) & mask));
            file.write(blockOffset + bit / 8, scratch, 0, 1);
            return;
        }
        int bytes = bits / 8;
        for (int i = bytes - 1; i >= 0; i--) {
            scratch[i] = (byte) value;
            value >>>= 8;
        }
        file.write(blockOffset + index * bytes, scratch, 0, bytes);
    }

    /** The host offset of the byte holding refcount {@code index} of the block at {@code blockOffset} (its first). */
    long byteOffset(long blockOffset, long index) {
        int bits = 1 << order;
        return bits < 8 ? blockOffset + index * bits / 8 : blockOffset + index * (bits / 8);
    }

    /** How many bytes one refcount update changes. */
    int byteWidth() {
        return Math.max(1, (1 << order) / 8);
    }

    /** refcount_max: 2^bits - 1 (as an unsigned value for 64 bits). */
    long max() {
        int bits = 1 << order;
        return bits == 64 ? -1L : (1L << bits) - 1;
    }
}
