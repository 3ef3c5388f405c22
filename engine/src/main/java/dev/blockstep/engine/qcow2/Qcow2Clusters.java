package dev.blockstep.engine.qcow2;

import dev.blockstep.engine.qcow2.format.ClusterType;
import dev.blockstep.engine.qcow2.format.L2Entry;
import dev.blockstep.engine.qcow2.format.Qcow2Constants;

/**
 * qcow2-cluster.c's entry points as the block layer calls them on one open image: where a guest cluster lives
 * (qcow2_get_host_offset), allocating writes (qcow2_alloc_host_offset, perform_cow, qcow2_alloc_cluster_link_l2),
 * and the cluster-aligned zeroize and discard. Each call is one step of its coroutine, with the lock state named.
 */
public final class Qcow2Clusters {
    private final Qcow2State s;
    private final Refcounts refcounts;
    private final HostOffsetAllocator allocator;
    private final GuestReader reader;
    private final L2Linker linker;
    private final ZeroAndDiscard zero;
    private final CompressedClusters compressed;

    Qcow2Clusters(Qcow2State s, Refcounts refcounts, L2Tables tables, GuestReader reader, L2Linker linker,
                  ZeroAndDiscard zero) {
        this.s = s;
        this.refcounts = refcounts;
        this.allocator = new HostOffsetAllocator(s, refcounts, tables);
        this.compressed = new CompressedClusters(s, refcounts, tables);
        this.reader = reader;
        this.linker = linker;
        this.zero = zero;
    }

    /** Lock held: qcow2_alloc_host_offset (handle_dependencies, handle_copied, handle_alloc). */
    public AllocResult allocHostOffset(int co, long offset, long bytes) {
        s.enter(co);
        return allocator.allocHostOffset(offset, bytes);
    }

    /**
     * Lock held: qcow2_alloc_compressed_cluster_offset, then qcow2_pre_write_overlap_check on the bytes it
     * allocated: links the guest cluster at {@code offset} to {@code compressedSize} new bytes and returns their
     * host offset. EIO when the guest cluster already has a host cluster.
     */
    public long allocCompressedClusterOffset(int co, long offset, int compressedSize) {
        s.enter(co);
        long host = compressed.allocCompressedClusterOffset(offset, compressedSize);
        OverlapCheck.preWrite(s, refcounts, 0, host, compressedSize);
        return host;
    }

    /** perform_cow's writes completed; the L2 cache then flushes the file before it writes (depends_on_flush). */
    private void cowWritten() {
        refcounts.caches.deps.fileWritten();
        refcounts.caches.deps.dependsOnFlush(CacheDependencies.Cache.L2);
    }

    /** Lock held: whether link_l2's perform_cow drops the lock for COW I/O on this allocation. */
    public boolean needsCow(L2Meta m) {
        s.read();
        return linker.needsCow(m);
    }

    /** Unlocked: perform_cow's reads of the guest view and its writes (with merged data when given). */
    public void performCowIo(int co, L2Meta m, byte[] mergedData, int off, int len) {
        s.enter(co);
        linker.performCowIo(m, mergedData == null ? null : (at, n) -> s.file.write(at, mergedData, off, (int) n), len);
        cowWritten();
    }

    /** The same with merged guest data of {@code len} bytes that all equal {@code pattern}. */
    public void performCowIo(int co, L2Meta m, byte pattern, long len) {
        s.enter(co);
        linker.performCowIo(m, (at, n) -> s.file.fill(at, n, pattern), len);
        cowWritten();
    }

    /**
     * Lock held: qcow2_alloc_cluster_link_l2 alone: relink the L2 entries and free the old clusters unless keep_old.
     * The allocation stays on cluster_allocs: qemu takes it off only after the link returns, and the link's cache
     * I/O yields first.
     */
    public void linkL2Entries(int co, L2Meta m) {
        s.enter(co);
        linker.linkL2(m);
    }

    /** Lock held: qcow2_subcluster_zeroize over a cluster-aligned range (or up to the image end), punch included. */
    public void zeroize(int co, long offset, long bytes, boolean mayUnmap) {
        s.enter(co);
        zero.subclusterZeroize(offset, bytes, mayUnmap, true);
    }

    /** Lock held: qcow2_cluster_discard over a cluster-aligned range (or up to the image end), punch included. */
    public void clusterDiscard(int co, long offset, long bytes) {
        s.enter(co);
        zero.clusterDiscard(offset, bytes, true);
    }

    /**
     * The first guest offset at or after {@code offset} whose L1 entry points at an L2 table, or the virtual
     * size when there is none: walks over the guest use it to skip the unmapped ranges of huge images.
     */
    public long nextWithL2Table(long offset) {
        long span = (long) s.clusterSize * s.l2Size;
        long from = offset / span;
        for (int i = from >= s.l1Size ? -1 : s.l1Table.nextNonZero((int) from); i >= 0; i = s.l1Table.nextNonZero(i + 1)) {
            if ((s.l1Table.get(i) & Qcow2Constants.L1E_OFFSET_MASK) != 0) {
                return Math.max(offset, i * span);
            }
        }
        return s.virtualSize;
    }

    /** Lock held: qcow2_get_host_offset for the cluster holding offset (never allocates). */
    public GuestMapping map(int co, long offset) {
        s.enter(co);
        GuestReader.Mapping m = reader.map(offset);
        return new GuestMapping(m.type(), m.hostOffset(), m.entry());
    }

    /**
     * Lock held: qcow2_co_block_status's lookup (qcow2_get_host_offset) from {@code offset} for at most {@code bytes}:
     * the type there and how many bytes from {@code offset} have it, as count_contiguous_subclusters counts them. A
     * run ends where the type changes, where a normal or allocated zero cluster is not host-contiguous with the one
     * before it, after one compressed cluster, and at the end of the L2 table.
     */
    public StatusRun statusRun(int co, long offset, long bytes) {
        s.enter(co);
        long cs = s.clusterSize;
        long span = cs * s.l2Size;
        long end = Math.min(offset + bytes, (offset / span + 1) * span);
        GuestReader.Mapping first = reader.map(offset);
        ClusterType type = first.type();
        boolean checkOffset = type == ClusterType.NORMAL || type == ClusterType.ZERO_ALLOC;
        long expected = first.hostOffset();
        long at = offset - offset % cs + cs;
        while (type != ClusterType.COMPRESSED && at < end) {
            GuestReader.Mapping m = reader.map(at);
            if (m.type() != type || checkOffset && m.hostOffset() != (expected += cs)) {
                break;
            }
            at += cs;
        }
        return new StatusRun(type, Math.min(at, end) - offset);
    }

    /** One answer of {@link #statusRun}: {@code bytes} from the asked offset are of {@code type}. */
    public record StatusRun(ClusterType type, long bytes) {
    }

    /** What qcow2_get_host_offset says about one guest cluster. */
    public record GuestMapping(ClusterType type, long hostClusterOffset,
                               L2Entry entry) {
    }
}
