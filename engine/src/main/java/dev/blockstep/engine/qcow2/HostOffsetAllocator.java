package dev.blockstep.engine.qcow2;

import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.qcow2.format.ClusterType;
import dev.blockstep.engine.qcow2.format.L2Entry;
import java.util.ArrayList;
import java.util.List;

/**
 * qcow2_alloc_host_offset and its helpers handle_dependencies, handle_copied, handle_alloc and
 * calculate_l2_meta. One call is one lock-held step; a dependency wait is returned, not performed.
 */
final class HostOffsetAllocator {
    static final long INV_OFFSET = -1L;
    /** BDRV_REQUEST_MAX_BYTES. */
    static final long REQUEST_MAX_BYTES = 2147483136L;

    private final Qcow2State s;
    private final Refcounts refcounts;
    private final L2Tables tables;

    HostOffsetAllocator(Qcow2State s, Refcounts refcounts, L2Tables tables) {
        this.s = s;
        this.refcounts = refcounts;
        this.tables = tables;
    }

    /** Mutable in/out arguments of the helpers (qemu passes pointers). */
    private static final class Cursor {
        long hostOffset = INV_OFFSET;
        long bytes;
        final List<L2Meta> metas = new ArrayList<>();
    }

    AllocResult allocHostOffset(long offset, long bytes) {
        long start = offset;
        long remaining = bytes;
        long hostOffset = INV_OFFSET;
        long curBytes = 0;
        Cursor c = new Cursor();
        while (true) {
            if (hostOffset == INV_OFFSET && c.hostOffset != INV_OFFSET) {
                hostOffset = c.hostOffset;
            }
            start += curBytes;
            remaining -= curBytes;
            if (c.hostOffset != INV_OFFSET) {
                c.hostOffset += curBytes;
            }
            if (remaining == 0) {
                break;
            }
            c.bytes = remaining;
            L2Meta waitOn = handleDependencies(start, c);
            if (waitOn != null) {
                s.emit(new EngineEvent.DependencyWait(s.co, waitOn.coroutine));
                return new AllocResult.MustWait(waitOn);
            }
            curBytes = c.bytes;
            if (curBytes == 0) {
                break;
            }
            if (handleCopied(start, c)) {
                curBytes = c.bytes;
                continue;
            } else if (c.bytes == 0) {
                curBytes = 0;
                break;
            }
            boolean allocated = handleAlloc(start, c);
            curBytes = c.bytes;
            if (!allocated) {
                break;
            }
        }
        long done = bytes - remaining;
        return new AllocResult.Allocated(hostOffset, done, c.metas);
    }

    private L2Meta handleDependencies(long guestOffset, Cursor c) {
        long bytes = c.bytes;
        for (L2Meta old : s.clusterAllocs) {
            long start = guestOffset;
            long end = start + bytes;
            long oldStart = s.startOfCluster(old.cowStartGuest());
            long oldEnd = roundUp(old.cowEndGuest(), s.clusterSize);
            if (end <= oldStart || start >= oldEnd) {
                continue;
            }
            if (old.keepOld && (end <= old.cowStartGuest() || start >= old.cowEndGuest())) {
                // the clusters intersect but the COW areas do not, and the clusters already exist
                continue;
            }
            bytes = start < oldStart ? oldStart - start : 0;
            if (bytes == 0 && !c.metas.isEmpty()) {
                c.bytes = 0;
                return null;
            }
            if (bytes == 0) {
                return old;
            }
        }
        c.bytes = bytes;
        return null;
    }

    private long clustersToLookAt(long guestOffset, long bytes) {
        long n = s.sizeToClusters(s.offsetIntoCluster(guestOffset) + bytes);
        n = Math.min(n, s.l2Size - s.l2Index(guestOffset));
        return Math.min(n, REQUEST_MAX_BYTES >>> s.clusterBits);
    }

    private boolean handleCopied(long guestOffset, Cursor c) {
        long nbClusters = clustersToLookAt(guestOffset, c.bytes);
        long l2 = tables.getClusterTable(guestOffset);
        L2Entry entry = tables.entry(l2, guestOffset);
        long clusterOffset = entry.hostOffset();
        if (needsNewAlloc(entry)) {
            return false;
        }
        if (s.offsetIntoCluster(clusterOffset) != 0) {
            throw refcounts.corruption((entry.zero() ? "Preallocated zero" : "Data") + " cluster offset "
                    + Refcounts.px(clusterOffset) + " unaligned (guest offset: " + Refcounts.px(guestOffset) + ")");
        }
        if (c.hostOffset != INV_OFFSET && clusterOffset != c.hostOffset) {
            c.bytes = 0;
            return false;
        }
        long keep = countSingleWriteClusters(nbClusters, l2, guestOffset, false);
        c.bytes = Math.min(c.bytes, keep * s.clusterSize - s.offsetIntoCluster(guestOffset));
        calculateL2Meta(clusterOffset, guestOffset, c.bytes, l2, c, true);
        c.hostOffset = clusterOffset + s.offsetIntoCluster(guestOffset);
        s.emit(new EngineEvent.HostOffsetChosen(s.co, guestOffset, c.hostOffset, c.bytes, true,
                !c.metas.isEmpty() && c.metas.get(0).offset == s.startOfCluster(guestOffset)
                        && c.metas.get(0).keepOld));
        return true;
    }

    private boolean handleAlloc(long guestOffset, Cursor c) {
        long nbClusters = clustersToLookAt(guestOffset, c.bytes);
        long l2 = tables.getClusterTable(guestOffset);
        nbClusters = countSingleWriteClusters(nbClusters, l2, guestOffset, true);
        long allocOffset;
        if (c.hostOffset == INV_OFFSET) {
            allocOffset = refcounts.allocClusters(nbClusters * s.clusterSize, "data");
        } else {
            allocOffset = s.startOfCluster(c.hostOffset);
            nbClusters = refcounts.allocClustersAt(allocOffset, nbClusters);
        }
        if (nbClusters == 0) {
            c.bytes = 0;
            return false;
        }
        long inCluster = s.offsetIntoCluster(guestOffset);
        long requested = c.bytes + inCluster;
        long avail = nbClusters << s.clusterBits;
        long nbBytes = Math.min(requested, avail);
        c.hostOffset = allocOffset + inCluster;
        c.bytes = Math.min(c.bytes, nbBytes - inCluster);
        calculateL2Meta(allocOffset, guestOffset, c.bytes, l2, c, false);
        s.emit(new EngineEvent.HostOffsetChosen(s.co, guestOffset, c.hostOffset, c.bytes, false, false));
        return true;
    }

    /** cluster_needs_new_alloc. */
    static boolean needsNewAlloc(L2Entry e) {
        ClusterType t = e.type();
        return switch (t) {
            case NORMAL, ZERO_ALLOC -> !e.copied();
            default -> true;
        };
    }

    private long countSingleWriteClusters(long nbClusters, long l2, long guestOffset, boolean newAlloc) {
        int index = s.l2Index(guestOffset);
        long expected = tables.entryAt(l2, index).hostOffset();
        long i;
        for (i = 0; i < nbClusters; i++) {
            L2Entry e = tables.entryAt(l2, index + (int) i);
            if (needsNewAlloc(e) != newAlloc) {
                break;
            }
            if (!newAlloc) {
                if (expected != e.hostOffset()) {
                    break;
                }
                expected += s.clusterSize;
            }
        }
        return i;
    }

    private void calculateL2Meta(long hostClusterOffset, long guestOffset, long bytes, long l2, Cursor c,
                                 boolean keepOld) {
        int l2Index = s.l2Index(guestOffset);
        long cowStartTo = s.offsetIntoCluster(guestOffset);
        long cowEndFrom = cowStartTo + bytes;
        int nbClusters = (int) s.sizeToClusters(cowEndFrom);
        boolean skipCow = keepOld;
        for (int i = 0; i < nbClusters && skipCow; i++) {
            if (tables.entryAt(l2, l2Index + i).type() != ClusterType.NORMAL) {
                skipCow = false;
            }
        }
        if (skipCow) {
            return;
        }
        ClusterType first = tables.entryAt(l2, l2Index).type();
        ClusterType last = tables.entryAt(l2, l2Index + nbClusters - 1).type();
        long cowStartFrom = keepOld && first == ClusterType.NORMAL ? cowStartTo : 0;
        long cowEndTo = keepOld && last == ClusterType.NORMAL ? cowEndFrom : roundUp(cowEndFrom, s.clusterSize);
        L2Meta m = new L2Meta(s.co, s.startOfCluster(guestOffset), hostClusterOffset, nbClusters, keepOld,
                new L2Meta.CowRegion(cowStartFrom, cowStartTo - cowStartFrom),
                new L2Meta.CowRegion(cowEndFrom, cowEndTo - cowEndFrom));
        s.clusterAllocs.add(0, m);
        c.metas.add(0, m);
    }

    static long roundUp(long v, long align) {
        return (v + align - 1) / align * align;
    }
}
