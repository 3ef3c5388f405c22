package dev.blockstep.engine.block;

/**
 * A BdrvDirtyBitmap on a node: one bit per {@link #granularity()} bytes of the disk. Writes and discards that end
 * on the node set the bits they cover (bdrv_co_write_req_finish's bdrv_set_dirty), unless the bitmap is disabled,
 * which only the bitmap's owner can still set and reset.
 */
public final class DirtyBitmap {
    private final long granularity;
    private final long length;
    private final boolean[] bits;
    private boolean enabled = true;

    DirtyBitmap(long granularity, long length) {
        this.granularity = granularity;
        this.length = length;
        this.bits = new boolean[(int) ((length + granularity - 1) / granularity)];
    }

    public long granularity() {
        return granularity;
    }

    /** bdrv_disable_dirty_bitmap: guest writes no longer set bits. */
    void disable() {
        enabled = false;
    }

    boolean enabled() {
        return enabled;
    }

    /** bdrv_set_dirty_bitmap: every chunk that {@code [offset, offset+bytes)} touches. */
    void set(long offset, long bytes) {
        mark(offset, bytes, true);
    }

    /** bdrv_reset_dirty_bitmap over chunk-aligned {@code [offset, offset+bytes)}. */
    void reset(long offset, long bytes) {
        mark(offset, bytes, false);
    }

    private void mark(long offset, long bytes, boolean dirty) {
        if (bytes <= 0) {
            return;
        }
        long end = Math.min(length, offset + bytes);
        for (long c = offset / granularity; c < bits.length && c * granularity < end; c++) {
            bits[(int) c] = dirty;
        }
    }

    /** Whether the chunk holding {@code offset} is dirty. */
    public boolean get(long offset) {
        return offset < length && bits[(int) (offset / granularity)];
    }

    /** bdrv_get_dirty_count: dirty bytes (whole chunks; the last one clipped to the disk). */
    public long count() {
        long n = 0;
        for (int c = 0; c < bits.length; c++) {
            if (bits[c]) {
                n += Math.min(granularity, length - c * granularity);
            }
        }
        return n;
    }

    /** The start of the first dirty chunk at or after {@code from}, or -1 (bdrv_dirty_iter_next). */
    long next(long from) {
        for (long c = Math.max(0, from / granularity); c < bits.length; c++) {
            if (bits[(int) c]) {
                return c * granularity;
            }
        }
        return -1;
    }
}
