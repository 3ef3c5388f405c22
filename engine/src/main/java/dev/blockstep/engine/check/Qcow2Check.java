package dev.blockstep.engine.check;

import dev.blockstep.engine.qcow2.format.MetadataOverlap;
import static dev.blockstep.engine.qcow2.format.Qcow2Constants.*;

import dev.blockstep.engine.qcow2.format.ClusterType;
import dev.blockstep.engine.qcow2.format.L2Entry;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * qemu 7.2's qcow2_check_refcounts, step for step: count every reference the metadata makes (header,
 * active L1, its L2 tables and data clusters, refcount table, refcount blocks), compare the counts with
 * the on-disk refcounts, then check every OFLAG_COPIED bit against the on-disk refcount. With a
 * {@link RepairMode} other than NONE it repairs as qemu-img check -r does, writing into a
 * {@link RepairedImage}: refcounts set to the counted references (a cluster that drops to 0 is punched),
 * unaligned preallocated zero clusters made plain zero, refcount blocks past the end given room, the whole
 * refcount structure rebuilt ({@link RefcountRebuild}) when an on-disk refcount of 0 is referenced, and
 * OFLAG_COPIED bits set right ({@link OflagCopied}). Lines go to the {@link CheckOutput} in qemu's order.
 */
final class Qcow2Check {

    /**
     * The largest file ext4 with 4 KiB blocks holds (16 TiB - 4 KiB): qemu's ftruncate past it fails with
     * EFBIG. Measured on the ext4 the differential tests run on; other file systems have other limits.
     */
    private static final long MAX_FILE_LENGTH = (1L << 44) - 4096;

    final OpenImage image;
    /** What the check reads: the file, or during a repair the file with the repair's writes over it. */
    final ImageBytes bytes;
    /** Where a repair writes; null for a plain check. */
    final RepairedImage target;
    final RepairMode fix;
    final CheckOutput out;
    final RefcountBlocks onDisk;
    final CorruptionEvents events;
    final CheckCounters res = new CheckCounters();
    final long clusterSize;
    final int clusterBits;
    private final long refcountMax;
    /** Roles and referencing guest clusters, kept only when a caller wants the per-cluster table. */
    private final TreeMap<Long, ClusterRole> roles;
    private final TreeMap<Long, List<Long>> guests;
    private final List<HostClusterUse> uses;

    /** The in-memory refcount table (qemu's refcount_table array), one count per host cluster. */
    SparseCounts references = new SparseCounts();
    /** Its size in clusters (qemu's nb_clusters); grows as references or allocations reach further. */
    long nbClusters;
    long refcountTableOffset;
    private boolean rebuild;
    private long highestCluster;

    Qcow2Check(OpenImage image, ImageBytes bytes, CheckOutput out, boolean collectUses) {
        this(image, bytes, null, RepairMode.NONE, out, collectUses);
    }

    /** A repairing check: reads and writes {@code target}, which wraps the opened file's bytes. */
    Qcow2Check(OpenImage image, RepairedImage target, RepairMode fix, CheckOutput out) {
        this(image, target, target, fix, out, false);
    }

    private Qcow2Check(OpenImage image, ImageBytes bytes, RepairedImage target, RepairMode fix, CheckOutput out,
                       boolean collectUses) {
        this.image = image;
        this.bytes = bytes;
        this.target = target;
        this.fix = fix;
        this.out = out;
        this.events = new CorruptionEvents(out, target, image.header().incompatibleFeatures());
        this.onDisk = new RefcountBlocks(image, bytes, events);
        this.clusterSize = image.clusterSize();
        this.clusterBits = image.clusterBits();
        this.refcountTableOffset = image.header().refcountTableOffset();
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

    /**
     * qcow2_check_refcounts. A repair that fails part-way throws, leaving its writes so far in the target,
     * as qemu leaves them in the file.
     */
    CheckResult run() throws CheckException {
        nbClusters = sizeToClusters(bytes.length());
        if (nbClusters > Integer.MAX_VALUE) {
            res.checkErrors++;
            throw new CheckException(CheckException.Kind.CHECK_FAILED, "Check failed: File too large");
        }
        // qemu keeps the virtual size in 512-byte sectors, rounding down, before counting clusters.
        long totalClusters = sizeToClusters(Long.divideUnsigned(image.header().size(), 512) * 512);

        calculateRefcounts(fix);
        CheckCounters beforeCompare = res.copy();
        compareRefcounts(RepairMode.NONE);
        if (rebuild && fix.fixErrors()) {
            rebuildAndRecount();
        } else if (fix != RepairMode.NONE) {
            if (rebuild) {
                out.err("ERROR need to rebuild refcount structures");
                res.checkErrors++;
                throw ioError();
            }
            if (res.leaks != 0 || res.corruptions != 0) {
                res.restore(beforeCompare);
                compareRefcounts(fix);
            }
        }
        new OflagCopied(this).run();
        return res.result((highestCluster + 1) * clusterSize, totalClusters);
    }

    /**
     * The -r all path when a referenced cluster has refcount 0: a new refcount structure from the counted
     * references, then a recount against it, in which the old structure shows as leaks to free.
     */
    private void rebuildAndRecount() throws CheckException {
        CheckCounters old = res.copy();
        out.err("Rebuilding refcount structure");
        new RefcountRebuild(this).run();
        res.corruptions = 0;
        res.leaks = 0;
        rebuild = false;
        references = new SparseCounts();
        calculateRefcounts(RepairMode.NONE);
        // Freeing the old structure's clusters is not counted as a fix; leaks it leaves are counted as leaks.
        CheckCounters saved = res.copy();
        res.restore(new CheckCounters());
        compareRefcounts(RepairMode.LEAKS);
        if (rebuild) {
            out.err("ERROR rebuilt refcount structure is still broken");
        }
        long freshLeaks = res.leaks;
        res.restore(saved);
        if (res.corruptions < old.corruptions) {
            res.corruptionsFixed += old.corruptions - res.corruptions;
        }
        if (res.leaks < old.leaks) {
            res.leaksFixed += old.leaks - res.leaks;
        }
        res.leaks += freshLeaks;
    }

    /**
     * Closing the image: the refcount cache reaches the file, unless a fatal corruption event took the
     * driver away first (then qemu never flushes it).
     */
    void close() {
        if (target != null && !events.driverGone()) {
            onDisk.flush(target);
        }
    }

    /** qcow2_pre_write_overlap_check: false (after signalling corruption) when the write would hit metadata. */
    boolean writeAllowed(int ignore, long offset, long size) {
        String hit = MetadataOverlap.find(new CheckLayout(this), ignore, offset, size);
        if (hit == null) {
            return true;
        }
        events.signal("Preventing invalid write on metadata (overlaps with " + hit + ")");
        return false;
    }

    /** The check stops with -EIO, as qemu's check functions return it. */
    static CheckException ioError() {
        return new CheckException(CheckException.Kind.CHECK_FAILED, "Check failed: Input/output error");
    }

    long sizeToClusters(long bytes) {
        return Long.divideUnsigned(bytes + clusterSize - 1, clusterSize);
    }

    /** calculate_refcounts: every reference the header, tables and refcount structure make. */
    private void calculateRefcounts(RepairMode mode) throws CheckException {
        count(0, clusterSize, ClusterRole.HEADER, -1);
        new ActiveTablesWalk(this, mode).run();
        count(refcountTableOffset, 8L * onDisk.table().length, ClusterRole.REFCOUNT_TABLE, -1);
        countRefcountBlocks(mode);
    }

    /** qcow2_inc_refcounts_imrt: one more reference to every cluster the byte range touches. */
    void count(long offset, long size, ClusterRole role, long guest) {
        if (size <= 0) {
            return;
        }
        if (offset + size - bytes.length() >= clusterSize) {
            out.err("ERROR: counting reference for region exceeding the end of the file by one cluster or more: offset 0x"
                    + Long.toHexString(offset) + " size 0x" + Long.toHexString(size));
            res.corruptions++;
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
                res.corruptions++;
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

    static byte[] be64(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }

    /** check_refblocks. */
    private void countRefcountBlocks(RepairMode mode) {
        long[] table = onDisk.table();
        for (int i = 0; i < table.length; i++) {
            long offset = table[i] & REFT_OFFSET_MASK;
            long cluster = offset >>> clusterBits;
            if ((table[i] & REFT_RESERVED_MASK) != 0) {
                out.err("ERROR refcount table entry " + i + " has reserved bits set");
                res.corruptions++;
                rebuild = true;
                continue;
            }
            if ((offset & (clusterSize - 1)) != 0) {
                out.err("ERROR refcount block " + i + " is not cluster aligned; refcount table entry corrupted");
                res.corruptions++;
                rebuild = true;
                continue;
            }
            if (Long.compareUnsigned(cluster, nbClusters) >= 0) {
                res.corruptions++;
                out.err((mode.fixErrors() ? "Repairing" : "ERROR") + " refcount block " + i + " is outside image");
                if (mode.fixErrors()) {
                    growToHold(offset);
                }
                continue;
            }
            if (offset != 0) {
                count(offset, clusterSize, ClusterRole.REFCOUNT_BLOCK, -1);
                long n = references.get(cluster);
                if (n != 1) {
                    out.err("ERROR refcount block " + i + " refcount=" + Long.toUnsignedString(n));
                    res.corruptions++;
                    rebuild = true;
                }
            }
        }
    }

    /** check_refblocks' repair of a block past the end: the file grows to hold it, and the block is counted. */
    private void growToHold(long offset) {
        if (offset > Long.MAX_VALUE - clusterSize) {
            rebuild = true;
            out.err("ERROR could not resize image: Invalid argument");
            return;
        }
        if (offset + clusterSize > MAX_FILE_LENGTH) {
            out.err("qemu-img: Could not resize file: File too large");
            rebuild = true;
            out.err("ERROR could not resize image: File too large");
            return;
        }
        target.grow(offset + clusterSize);
        nbClusters = Math.max(nbClusters, sizeToClusters(target.length()));
        res.corruptions--;
        res.corruptionsFixed++;
        count(offset, clusterSize, ClusterRole.REFCOUNT_BLOCK, -1);
    }

    /** compare_refcounts, one refcount block's range of clusters at a time. */
    private void compareRefcounts(RepairMode mode) {
        long[] referenced = references.nonZero();
        int next = 0;
        long blockSize = onDisk.blockSize();
        highestCluster = 0;
        long covered = onDisk.table().length * blockSize;
        for (long lo = 0; lo < nbClusters; lo += blockSize) {
            if (lo >= covered) {
                // past the refcount table every refcount reads 0: only referenced clusters can differ
                while (next < referenced.length && referenced[next] < nbClusters) {
                    long i = referenced[next++];
                    compareOne(i, 0, references.get(i), mode);
                }
                break;
            }
            long hi = Math.min(lo + blockSize, nbClusters);
            byte[] block;
            try {
                block = onDisk.block(lo / blockSize);
            } catch (RefcountBlocks.Unreadable e) {
                for (long i = lo; i < hi; i++) {
                    out.err("Can't get refcount for cluster " + i + ": Input/output error");
                    res.checkErrors++;
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
                    compareOne(i, 0, references.get(i), mode);
                }
                continue;
            }
            for (long i = lo; i < hi; i++) {
                compareOne(i, onDisk.entry(block, (int) (i - lo)), references.get(i), mode);
            }
            while (next < referenced.length && referenced[next] < hi) {
                next++;
            }
        }
    }

    private void compareOne(long cluster, long refcount, long counted, RepairMode mode) {
        if (refcount != 0 || counted != 0) {
            highestCluster = cluster;
            recordUse(cluster, refcount, true, counted);
        }
        if (refcount == counted) {
            return;
        }
        boolean under = Long.compareUnsigned(refcount, counted) < 0;
        boolean repair = false;
        if (refcount == 0) {
            rebuild = true;
        } else {
            repair = under ? mode.fixErrors() : mode.fixLeaks();
        }
        out.err((repair ? "Repairing" : under ? "ERROR" : "Leaked") + " cluster " + cluster + " refcount="
                + Long.toUnsignedString(refcount) + " reference=" + Long.toUnsignedString(counted));
        if (repair && setRefcount(cluster, counted)) {
            if (under) {
                res.corruptionsFixed++;
            } else {
                res.leaksFixed++;
            }
            return;
        }
        if (under) {
            res.corruptions++;
        } else {
            res.leaks++;
        }
    }

    /** update_refcount to an exact value, with QCOW2_DISCARD_ALWAYS: a cluster that drops to 0 is punched. */
    private boolean setRefcount(long cluster, long value) {
        try {
            onDisk.set(cluster, value);
        } catch (RefcountBlocks.Unreadable e) {
            return false;
        }
        if (value == 0) {
            target.punch(cluster << clusterBits, clusterSize);
        }
        return true;
    }

    private void recordUse(long cluster, long refcount, boolean readable, long counted) {
        if (uses == null || (readable && refcount == 0 && counted == 0)) {
            return;
        }
        ClusterRole role = roles.getOrDefault(cluster, ClusterRole.FREE);
        uses.add(new HostClusterUse(cluster, refcount, readable, counted, role, guests.getOrDefault(cluster, List.of())));
    }
}
