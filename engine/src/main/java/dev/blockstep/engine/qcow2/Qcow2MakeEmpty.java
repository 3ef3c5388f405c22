package dev.blockstep.engine.qcow2;

import static dev.blockstep.engine.qcow2.format.Qcow2Constants.INCOMPAT_DATA_FILE;
import static dev.blockstep.engine.qcow2.format.Qcow2Constants.INCOMPAT_DIRTY;

import dev.blockstep.engine.event.EngineEventSink;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.format.Header;
import dev.blockstep.engine.qcow2.format.ImageFormatException;

/**
 * qcow2_make_empty, what qemu-img commit does to the top image once its data is in the base (unless -d). A version 3
 * image with no snapshots, bitmaps, LUKS header or data file, whose L1 table and three more clusters fit in one
 * refcount block, is reset by make_completely_empty: a refcount table in cluster 1, its one refcount block in
 * cluster 2, an all-zero L1 table from cluster 3, and the file cut after it. Any other image has every cluster
 * discarded (QCOW2_DISCARD_SNAPSHOT, full discard), so reads fall through to the backing file.
 */
public final class Qcow2MakeEmpty {
    /** l1_table_offset, refcount_table_offset and refcount_table_clusters: contiguous in the header. */
    private static final int L1_OFFSET_AT = 0x28;
    private static final int INCOMPAT_AT = 0x48;
    /** The autoclear bit of persistent dirty bitmaps. */
    private static final long AUTOCLEAR_BITMAPS = 1L;
    private static final int CRYPT_LUKS = 2;
    /** qcow2_cluster_discard's step in qcow2_make_empty: INT_MAX aligned down to the cluster size. */
    private static final long STEP_LIMIT = Integer.MAX_VALUE;

    private Qcow2MakeEmpty() {
    }

    /** Empties {@code file} (a qcow2 image named {@code name} that nothing else has open). */
    public static void run(HostFile file, String name) throws ImageFormatException {
        Header h = open(file, name).header();
        long cs = h.clusterSize();
        long l1Clusters = ((long) h.l1Size() * 8 + cs - 1) / cs;
        long refcountBlockSize = cs * 8 / h.refcountBits();
        boolean simple = h.version() >= 3 && h.nbSnapshots() == 0 && (h.autoclearFeatures() & AUTOCLEAR_BITMAPS) == 0
                && 3 + l1Clusters <= refcountBlockSize && h.cryptMethod() != CRYPT_LUKS
                && (h.incompatibleFeatures() & INCOMPAT_DATA_FILE) == 0;
        if (simple) {
            completelyEmpty(file, h, l1Clusters);
        } else {
            discardEverything(file, name, h);
        }
    }

    /** The image on its own: emptying it never reads its backing file, which stands in as an empty one. */
    private static Qcow2Driver open(HostFile file, String name) throws ImageFormatException {
        return Qcow2Driver.open(file, name, EngineEventSink.NONE, link -> new BackingImage.Raw(new HostFile()));
    }

    private static void completelyEmpty(HostFile file, Header h, long l1Clusters) {
        long cs = h.clusterSize();
        file.writeZeroes(h.l1TableOffset(), l1Clusters * cs);
        file.writeZeroes(cs, (2 + l1Clusters) * cs);
        file.writeBe64(L1_OFFSET_AT, 3 * cs);
        file.writeBe64(L1_OFFSET_AT + 8, cs);
        byte[] one = {0, 0, 0, 1};
        file.write(L1_OFFSET_AT + 16, one);
        file.writeBe64(cs, 2 * cs);
        // qcow2_alloc_clusters of the header, the table, the block and the L1 table: refcount 1 each
        RefcountArray refcounts = new RefcountArray(h.refcountOrder());
        for (long i = 0; i < 3 + l1Clusters; i++) {
            refcounts.set(file, 2 * cs, i, 1);
        }
        // qcow2_mark_dirty then qcow2_mark_clean: the image ends clean whatever it was before
        file.writeBe64(INCOMPAT_AT, h.incompatibleFeatures() & ~INCOMPAT_DIRTY);
        file.truncate((3 + l1Clusters) * cs);
    }

    private static void discardEverything(HostFile file, String name, Header h) throws ImageFormatException {
        Qcow2Driver d = open(file, name);
        long step = STEP_LIMIT / h.clusterSize() * h.clusterSize();
        long end = h.size() / 512 * 512;
        for (long offset = 0; offset < end; offset += step) {
            d.discardAll(0, offset, Math.min(step, end - offset));
        }
        d.close(0);
    }
}
