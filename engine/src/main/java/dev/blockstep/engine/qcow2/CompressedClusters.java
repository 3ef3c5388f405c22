package dev.blockstep.engine.qcow2;

import static dev.blockstep.engine.qcow2.format.Qcow2Constants.L2E_OFFSET_MASK;
import static dev.blockstep.engine.qcow2.format.Qcow2Constants.QCOW_OFLAG_COMPRESSED;

import dev.blockstep.engine.event.EngineEvent;

/**
 * Where a compressed cluster goes: qcow2_alloc_compressed_cluster_offset (qcow2-cluster.c) and the byte allocator
 * under it, qcow2_alloc_bytes (qcow2-refcount.c). Compressed clusters are packed at sector granularity from
 * free_byte_offset; each one adds 1 to the refcount of every host cluster it touches, so a host cluster holding
 * three compressed clusters has refcount 3. Runs with s->lock held.
 */
final class CompressedClusters {
    /** QCOW2_COMPRESSED_SECTOR_SIZE: the unit of a compressed cluster's length in its L2 entry. */
    static final int SECTOR = 512;

    private final Qcow2State s;
    private final Refcounts refcounts;
    private final L2Tables tables;

    CompressedClusters(Qcow2State s, Refcounts refcounts, L2Tables tables) {
        this.s = s;
        this.refcounts = refcounts;
        this.tables = tables;
    }

    /**
     * Links the guest cluster at {@code guestOffset} to {@code compressedSize} newly allocated bytes and returns
     * their host offset. Compression never overwrites: a cluster whose entry holds any host offset fails with EIO
     * (a plain zero cluster does not).
     */
    long allocCompressedClusterOffset(long guestOffset, int compressedSize) {
        long l2 = tables.getClusterTable(guestOffset);
        if ((tables.entry(l2, guestOffset).raw() & L2E_OFFSET_MASK) != 0) {
            throw new Qcow2Error(Qcow2Error.EIO, "a compressed write cannot overwrite the allocated guest cluster at "
                    + Refcounts.px(s.startOfCluster(guestOffset)));
        }
        long host = allocBytes(compressedSize);
        long extraSectors = (host + compressedSize - 1) / SECTOR - host / SECTOR;
        int csizeShift = 62 - (s.clusterBits - 8);
        // compressed clusters never carry QCOW_OFLAG_COPIED
        tables.setEntry(l2, guestOffset, QCOW_OFLAG_COMPRESSED | extraSectors << csizeShift | host, true);
        return host;
    }

    /** qcow2_alloc_bytes: {@code size} bytes at free_byte_offset, or at the start of a new cluster. */
    private long allocBytes(int size) {
        long offset = s.freeByteOffset;
        if (offset != 0 && refcounts.getRefcount(offset >>> s.clusterBits) == s.refcounts.max()) {
            offset = 0;
        }
        long freeInCluster = s.clusterSize - s.offsetIntoCluster(offset);
        while (true) {
            if (offset == 0 || freeInCluster < size) {
                long fresh = refcounts.allocClustersNoref(s.clusterSize);
                s.emit(new EngineEvent.ClustersAllocated(s.co, fresh, 1, "compressed data"));
                if (offset == 0 || HostOffsetAllocator.roundUp(offset, s.clusterSize) != fresh) {
                    offset = fresh;
                    freeInCluster = s.clusterSize;
                } else {
                    // the next cluster follows on: the compressed bytes may span both
                    freeInCluster += s.clusterSize;
                }
            }
            try {
                refcounts.updateRefcount(offset, size, 1, false, DiscardType.NEVER);
                break;
            } catch (Refcounts.Again again) {
                // a refcount block took the space: start over in a new cluster
                offset = 0;
            }
        }
        s.freeByteOffset = offset + size;
        if (s.offsetIntoCluster(s.freeByteOffset) == 0) {
            s.freeByteOffset = 0;
        }
        return offset;
    }
}
