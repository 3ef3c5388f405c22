package dev.blockstep.engine.check;

import static dev.blockstep.engine.qcow2.format.Qcow2Constants.*;

import dev.blockstep.engine.qcow2.format.ClusterType;
import dev.blockstep.engine.qcow2.format.L2Entry;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * qemu 7.2's qcow2_check_refcounts without repair, step for step: count every reference the metadata
 * makes (header, active L1, its L2 tables and data clusters, refcount table, refcount blocks), compare
 * the counts with the on-disk refcounts, then check every OFLAG_COPIED bit against the on-disk refcount.
 * Lines go to the {@link CheckOutput} in the order qemu prints them.
 */
final class Qcow2Check {

    private static final int COMPRESSED_SECTOR_SIZE = 512;

    private final OpenImage image;
    private final ImageBytes bytes;
    private final CheckOutput out;
    private final RefcountBlocks onDisk;
    private final SparseCounts references = new SparseCounts();
    private final long clusterSize;
    private final int clusterBits;
    private final long refcountMax;
    /** Roles and referencing guest clusters, kept only when a caller wants the per-cluster table. */
    private final TreeMap<Long, ClusterRole> roles;
    private final TreeMap<Long, List<Long>> guests;
    private final List<HostClusterUse> uses;

    private long nbClusters;
    private long corruptions;
    private long leaks;
    private long checkErrors;
    private long allocated;
    private long fragmented;
    private long compressed;
    private long highestCluster;

    Qcow2Check(OpenImage image, ImageBytes bytes, CheckOutput out, boolean collectUses) {
        this.image = image;
        this.bytes = bytes;
        this.out = out;
        this.onDisk = new RefcountBlocks(image, bytes, out);
        this.clusterSize = image.clusterSize();
        this.clusterBits = image.clusterBits();
        int bits = 1 << image.header().refcountOrder();
        this.refcountMax = bits == 64 ? -1L : (1L << bits) - 1;
        this.roles = collectUses ? new TreeMap<>() : null;
        this.guests = collectUses ? new TreeMap<>() : null;
        this.uses = collectUses ? new ArrayList<>() : null;
    }

    /** Per-cluster uses in ascending cluster order; only when constructed with {@code collectUses}. */
    List<HostClusterUse> uses() {
        return uses;
    }

    CheckResult run() throws CheckException {
        long size = image.fileLength();
        nbClusters = sizeToClusters(size);
        if (nbClusters > Integer.MAX_VALUE) {
            checkErrors++;
            throw new CheckException(CheckException.Kind.CHECK_FAILED, "Check failed: File too large");
        }
        // qemu keeps the virtual size in 512-byte sectors, rounding down, before counting clusters.
        long totalClusters = sizeToClusters(Long.divideUnsigned(image.header().size(), 512) * 512);

        count(0, clusterSize, ClusterRole.HEADER, -1);
        countL1();
        count(image.header().refcountTableOffset(), 8L * image.refcountTable().length, ClusterRole.REFCOUNT_TABLE, -1);
        countRefcountBlocks();
        compareRefcounts();
        checkOflagCopied();

        long end = (highestCluster + 1) * clusterSize;
        return new CheckResult(corruptions, leaks, checkErrors, end, totalClusters, allocated, fragmented, compressed);
    }

    private long sizeToClusters(long bytes) {
        return Long.divideUnsigned(bytes + clusterSize - 1, clusterSize);
    }

    /** qcow2_inc_refcounts_imrt: one more reference to every cluster the byte range touches. */
    private void count(long offset, long size, ClusterRole role, long guest) {
        if (size <= 0) {
            return;
        }
        if (offset + size - image.fileLength() >= clusterSize) {
            out.err("ERROR: counting reference for region exceeding the end of the file by one cluster or more: offset 0x"
                    + Long.toHexString(offset) + " size 0x" + Long.toHexString(size));
            corruptions++;
            return;
        }
        long start = offset & -clusterSize;
        long last = (offset + size - 1) & -clusterSize;
        for (long c = start; Long.compareUnsigned(c, last) <= 0; c += clusterSize) {
            long k = c >>> clusterBits;
            if (k >= nbClusters) {
                nbClusters = k + 1;
            }
            long n = references.get(k);
            if (n == refcountMax) {
                out.err("ERROR: overflow cluster offset=0x" + Long.toHexString(c));
                out.err("Use qemu-img amend to increase the refcount entry width or qemu-img convert to create a clean copy if the "
                        + "image cannot be opened for writing");
                corruptions++;
                continue;
            }
            references.set(k, n + 1);
            if (roles != null) {
                roles.putIfAbsent(k, role);
                if (guest >= 0) {
                    guests.computeIfAbsent(k, x -> new ArrayList<>()).add(guest);
                }
            }
        }
    }

    private void countL1() {
        int l1Size = image.header().l1Size();
        if (l1Size == 0) {
            return;
        }
        count(image.header().l1TableOffset(), 8L * l1Size, ClusterRole.L1, -1);
        OpenImage.L1Entries l1 = image.l1();
        for (int k = 0; k < l1.count(); k++) {
            int i = l1.index()[k];
            long entry = l1.value()[k];
            if ((entry & L1E_RESERVED_MASK) != 0) {
                out.err("ERROR found L1 entry with reserved bits set: " + Long.toHexString(entry));
                corruptions++;
            }
            long l2Offset = entry & L1E_OFFSET_MASK;
            count(l2Offset, clusterSize, ClusterRole.L2, -1);
            if ((l2Offset & (clusterSize - 1)) != 0) {
                out.err("ERROR l2_offset=" + Long.toHexString(l2Offset) + ": Table is not cluster aligned; L1 entry corrupted");
                corruptions++;
            }
            countL2(l2Offset, (long) i * image.l2Size());
        }
    }

    private void countL2(long l2Offset, long firstGuest) {
        ByteBuffer table = ByteBuffer.wrap(bytes.read(l2Offset, (int) clusterSize));
        int csizeShift = 62 - (clusterBits - 8);
        long csizeMask = (1L << (clusterBits - 8)) - 1;
        long clusterOffsetMask = (1L << csizeShift) - 1;
        long nextContiguous = 0;
        for (int j = 0; j < image.l2Size(); j++) {
            long entry = table.getLong(8 * j);
            long guest = firstGuest + j;
            ClusterType type = new L2Entry(entry).type();
            if (type != ClusterType.COMPRESSED && (entry & L2E_STD_RESERVED_MASK) != 0) {
                out.err("ERROR found l2 entry with reserved bits set: " + Long.toHexString(entry));
                corruptions++;
            }
            switch (type) {
                case COMPRESSED -> {
                    if ((entry & QCOW_OFLAG_COPIED) != 0) {
                        out.err("ERROR: coffset=0x" + Long.toHexString(entry & clusterOffsetMask)
                                + ": copied flag must never be set for compressed clusters");
                        entry &= ~QCOW_OFLAG_COPIED;
                        corruptions++;
                    }
                    long coffset = entry & clusterOffsetMask;
                    long sectors = ((entry >>> csizeShift) & csizeMask) + 1;
                    long csize = sectors * COMPRESSED_SECTOR_SIZE - (coffset & (COMPRESSED_SECTOR_SIZE - 1));
                    count(coffset, csize, ClusterRole.DATA, guest);
                    allocated++;
                    compressed++;
                    fragmented++;
                }
                case NORMAL, ZERO_ALLOC -> {
                    long offset = entry & L2E_OFFSET_MASK;
                    if ((offset & (clusterSize - 1)) != 0) {
                        corruptions++;
                        out.err("ERROR offset=" + Long.toHexString(offset) + ": "
                                + ((entry & QCOW_OFLAG_ZERO) != 0 ? "Preallocated" : "Data")
                                + " cluster is not properly aligned; L2 entry corrupted.");
                    }
                    allocated++;
                    if (nextContiguous != 0 && offset != nextContiguous) {
                        fragmented++;
                    }
                    nextContiguous = offset + clusterSize;
                    count(offset, clusterSize, ClusterRole.DATA, guest);
                }
                default -> {
                }
            }
        }
    }

    /** check_refblocks without repair. */
    private void countRefcountBlocks() {
        long[] table = image.refcountTable();
        for (int i = 0; i < table.length; i++) {
            long offset = table[i] & REFT_OFFSET_MASK;
            long cluster = offset >>> clusterBits;
            if ((table[i] & REFT_RESERVED_MASK) != 0) {
                out.err("ERROR refcount table entry " + i + " has reserved bits set");
                corruptions++;
                continue;
            }
            if ((offset & (clusterSize - 1)) != 0) {
                out.err("ERROR refcount block " + i + " is not cluster aligned; refcount table entry corrupted");
                corruptions++;
                continue;
            }
            if (Long.compareUnsigned(cluster, nbClusters) >= 0) {
                corruptions++;
                out.err("ERROR refcount block " + i + " is outside image");
                continue;
            }
            if (offset != 0) {
                count(offset, clusterSize, ClusterRole.REFCOUNT_BLOCK, -1);
                long n = references.get(cluster);
                if (n != 1) {
                    out.err("ERROR refcount block " + i + " refcount=" + Long.toUnsignedString(n));
                    corruptions++;
                }
            }
        }
    }

    /** compare_refcounts without repair, one refcount block's range of clusters at a time. */
    private void compareRefcounts() {
        long[] referenced = references.nonZero();
        int next = 0;
        long blockSize = onDisk.blockSize();
        highestCluster = 0;
        for (long lo = 0; lo < nbClusters; lo += blockSize) {
            long hi = Math.min(lo + blockSize, nbClusters);
            byte[] block;
            try {
                block = onDisk.block(lo / blockSize);
            } catch (RefcountBlocks.Unreadable e) {
                for (long i = lo; i < hi; i++) {
                    out.err("Can't get refcount for cluster " + i + ": Input/output error");
                    checkErrors++;
                    recordUse(i, 0, false, references.get(i));
                }
                while (next < referenced.length && referenced[next] < hi) {
                    next++;
                }
                continue;
            }
            if (block == null) {
                while (next < referenced.length && referenced[next] < hi) {
                    long i = referenced[next++];
                    compareOne(i, 0, references.get(i));
                }
                continue;
            }
            for (long i = lo; i < hi; i++) {
                compareOne(i, onDisk.entry(block, (int) (i - lo)), references.get(i));
            }
            while (next < referenced.length && referenced[next] < hi) {
                next++;
            }
        }
    }

    private void compareOne(long cluster, long refcount, long counted) {
        if (refcount != 0 || counted != 0) {
            highestCluster = cluster;
            recordUse(cluster, refcount, true, counted);
        }
        if (refcount != counted) {
            boolean under = Long.compareUnsigned(refcount, counted) < 0;
            out.err((under ? "ERROR" : "Leaked") + " cluster " + cluster + " refcount=" + Long.toUnsignedString(refcount)
                    + " reference=" + Long.toUnsignedString(counted));
            if (under) {
                corruptions++;
            } else {
                leaks++;
            }
        }
    }

    private void recordUse(long cluster, long refcount, boolean readable, long counted) {
        if (uses == null || (readable && refcount == 0 && counted == 0)) {
            return;
        }
        ClusterRole role = roles.getOrDefault(cluster, ClusterRole.FREE);
        uses.add(new HostClusterUse(cluster, refcount, readable, counted, role, guests.getOrDefault(cluster, List.of())));
    }

    /** check_oflag_copied without repair: COPIED must be set exactly when the on-disk refcount is 1. */
    private void checkOflagCopied() {
        OpenImage.L1Entries l1 = image.l1();
        for (int k = 0; k < l1.count(); k++) {
            int i = l1.index()[k];
            long l1Entry = l1.value()[k];
            long l2Offset = l1Entry & L1E_OFFSET_MASK;
            if (l2Offset == 0) {
                continue;
            }
            long refcount;
            try {
                refcount = onDisk.refcount(l2Offset >>> clusterBits);
            } catch (RefcountBlocks.Unreadable e) {
                continue;
            }
            if ((refcount == 1) != ((l1Entry & QCOW_OFLAG_COPIED) != 0)) {
                corruptions++;
                out.err("ERROR OFLAG_COPIED L2 cluster: l1_index=" + i + " l1_entry=" + Long.toHexString(l1Entry)
                        + " refcount=" + Long.toUnsignedString(refcount));
            }
            ByteBuffer table = ByteBuffer.wrap(bytes.read(l2Offset, (int) clusterSize));
            for (int j = 0; j < image.l2Size(); j++) {
                long entry = table.getLong(8 * j);
                ClusterType type = new L2Entry(entry).type();
                if (type != ClusterType.NORMAL && type != ClusterType.ZERO_ALLOC) {
                    continue;
                }
                long dataRefcount;
                try {
                    dataRefcount = onDisk.refcount((entry & L2E_OFFSET_MASK) >>> clusterBits);
                } catch (RefcountBlocks.Unreadable e) {
                    continue;
                }
                if ((dataRefcount == 1) != ((entry & QCOW_OFLAG_COPIED) != 0)) {
                    corruptions++;
                    out.err("ERROR OFLAG_COPIED data cluster: l2_entry=" + Long.toHexString(entry) + " refcount="
                            + Long.toUnsignedString(dataRefcount));
                }
            }
        }
    }
}
