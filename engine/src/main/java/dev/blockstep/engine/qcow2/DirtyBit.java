package dev.blockstep.engine.qcow2;

import static dev.blockstep.engine.qcow2.format.Qcow2Constants.INCOMPAT_DIRTY;

/**
 * The dirty bit of an image with lazy refcounts (qcow2_mark_dirty, qcow2_mark_clean). While it is set the
 * refcount cache is left out of qemu's flushes and the L2 cache no longer waits for it, so the refcounts on disk
 * may lag behind the L2 tables; a clean close writes them and clears the bit, a process that dies leaves the
 * bit set for the next read-write open (or qemu-img check -r) to repair.
 */
final class DirtyBit {
    /** incompatible_features in the header. */
    private static final long FEATURES_AT = 0x48;

    private DirtyBit() {
    }

    /** qcow2_mark_dirty: the bit goes to the header with bdrv_pwrite_sync (a write, then a flush of the file). */
    static void markDirty(Qcow2State s, MetadataCaches caches) {
        if (!s.needAccurateRefcounts()) {
            return;
        }
        long features = s.header.incompatibleFeatures() | INCOMPAT_DIRTY;
        s.file.writeBe64(FEATURES_AT, features);
        caches.deps.fileWritten();
        caches.deps.fileFlush();
        s.header = s.header.withIncompatibleFeatures(features);
    }

    /**
     * qcow2_mark_clean: the bit is cleared first, so the cache flush that follows writes the refcount cache too
     * (qcow2_flush_caches), then qcow2_update_header rewrites the header. In qemu's own header layout the
     * incompatible-features field is the only one that changes, so only it is written here.
     */
    static void markClean(Qcow2State s, MetadataCaches caches) {
        if (s.needAccurateRefcounts()) {
            return;
        }
        long features = s.header.incompatibleFeatures() & ~INCOMPAT_DIRTY;
        s.header = s.header.withIncompatibleFeatures(features);
        caches.writeCaches();
        caches.deps.fileFlush();
        s.file.writeBe64(FEATURES_AT, features);
        caches.deps.fileWritten();
    }
}
