package dev.blockstep.engine.qcow2;

import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.event.EngineEventSink;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.format.Header;
import dev.blockstep.engine.qcow2.format.ImageFormatException;
import dev.blockstep.engine.snapshot.ClusterAllocView;
import dev.blockstep.engine.snapshot.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The qcow2 driver of one open image, as a set of atomic operations split where qemu 7.2 yields.
 *
 * <p>Each method is one step: "lock held" methods are what qemu runs between taking and dropping
 * s->lock (metadata I/O included, since nothing else can touch metadata meanwhile); "unlocked" methods
 * are the data I/O that runs without it. The caller (a request coroutine of the generic block layer)
 * owns the lock and the order. {@code co} is the coroutine id put on every event. Every operation that
 * reads or changes driver state reports itself to {@link #observe}'s observer.
 */
public final class Qcow2Driver {
    private final Qcow2State s;
    private final Refcounts refcounts;
    private final L2Tables tables;
    private final GuestReader reader;
    private final L2Linker linker;
    private final ZeroAndDiscard zero;
    private final Qcow2Clusters clusters;
    private final Qcow2Truncate truncate;

    Qcow2Driver(Qcow2State s) {
        this.s = s;
        this.refcounts = new Refcounts(s);
        this.tables = new L2Tables(s, refcounts);
        this.reader = new GuestReader(s, tables, refcounts);
        this.linker = new L2Linker(s, refcounts, tables, reader);
        this.zero = new ZeroAndDiscard(s, refcounts, tables, linker, reader);
        this.clusters = new Qcow2Clusters(s, refcounts, tables, reader, linker, zero);
        this.truncate = new Qcow2Truncate(s, refcounts, tables, zero, linker);
    }

    /** qcow2-cluster.c's steps on this image: mapping, allocating writes, cluster-aligned zeroize and discard. */
    public Qcow2Clusters clusters() {
        return clusters;
    }

    /**
     * Opens an image held in {@code file} (the caller passes a copy when the user's file must not change),
     * as qemu-io does: read-write, discard passthrough for guest requests on, free_cluster_index 0.
     */
    public static Qcow2Driver open(HostFile file, String name, EngineEventSink sink) throws ImageFormatException {
        return new Qcow2Driver(Qcow2Open.open(file, name, sink, true));
    }

    /** As {@link #open(HostFile, String, EngineEventSink)}, opening the image's backing file with {@code backing}. */
    public static Qcow2Driver open(HostFile file, String name, EngineEventSink sink, BackingOpener backing)
            throws ImageFormatException {
        return open(file, name, sink, backing, true);
    }

    /**
     * As {@link #open(HostFile, String, EngineEventSink, BackingOpener)} on a node opened with BDRV_O_UNMAP or
     * without it ({@code unmap}): pass-discard-request follows that flag, so without it (qemu-nbd's and -drive's
     * default discard=ignore) the clusters a guest request frees are not punched.
     */
    public static Qcow2Driver open(HostFile file, String name, EngineEventSink sink, BackingOpener backing,
                                   boolean unmap) throws ImageFormatException {
        return new Qcow2Driver(Qcow2Open.open(file, name, sink, unmap, backing));
    }

    /** The backing file the header names, or null. */
    public dev.blockstep.engine.qcow2.format.BackingFile backingFile() {
        return s.backingLink;
    }

    /** The opened backing image, or null. */
    public BackingImage backingImage() {
        return s.backing;
    }

    Qcow2State state() {
        return s;
    }

    /**
     * Told of every operation that reads or changes the driver's in-memory state (the metadata, and whether the
     * driver is still attached), so the step running it can declare it. Every operation that takes a coroutine
     * counts as a change; pure data I/O and constants (cluster size, disk size) are not reported.
     */
    public void observe(BiConsumer<Resource, Boolean> onAccess) {
        s.observer = onAccess;
    }

    /** Virtual disk size in bytes as the block layer sees it (rounded up to 512). */
    public long size() {
        return zero.roundedVirtualSize();
    }

    public int clusterSize() {
        return s.clusterSize;
    }

    public HostFile file() {
        return s.file;
    }

    public Header header() {
        return s.header;
    }

    public long freeClusterIndex() {
        return s.freeClusterIndex;
    }

    /** cluster_allocs, newest first. */
    public List<L2Meta> clusterAllocs() {
        return List.copyOf(s.clusterAllocs);
    }

    /** cluster_allocs as the debugger shows them, newest first. */
    public List<ClusterAllocView> clusterAllocViews() {
        List<ClusterAllocView> out = new ArrayList<>(s.clusterAllocs.size());
        for (L2Meta m : s.clusterAllocs) {
            out.add(new ClusterAllocView(m.coroutine, m.offset, m.allocOffset, (long) m.nbClusters << s.clusterBits,
                    linker.needsCow(m), m.keepOld));
        }
        return out;
    }

    /** qemu has detached the driver after a fatal corruption; every request now fails with ENOMEDIUM. */
    public boolean detached() {
        s.observer.accept(Resource.Shared.MEDIUM, false);
        return s.corrupt;
    }

    public List<String> stderrLines() {
        return s.stderrLines();
    }

    /**
     * Lock held: qcow2_pre_write_overlap_check(ign 0) on the host range a guest write is about to use. A hit
     * marks the image corrupt (the driver detaches) and throws EIO, as qemu does.
     */
    public void preWriteOverlapCheck(int co, long hostOffset, long bytes) {
        s.co = co;
        OverlapCheck.preWrite(s, refcounts, 0, hostOffset, bytes);
    }

    /**
     * handle_alloc_space's is_zero_cow for one allocation: the guest ranges it asks block status about, in order,
     * each answered by one lock-held {@link #blockStatusZero} call; empty when the allocation has no COW region.
     */
    public List<GuestRange> cowZeroQueries(L2Meta m) {
        return linker.cowZeroQueries(m).stream().map(r -> new GuestRange(r[0], r[1])).toList();
    }

    /** Unlocked: handle_alloc_space's zero-fill of an allocation whose COW regions read as zero; skips its COW. */
    public void zeroFillCow(int co, L2Meta m) {
        s.enter(co);
        linker.zeroFillCow(m);
        refcounts.caches.deps.fileWritten();
    }

    /** merge_cow: the allocation whose COW write will carry this chunk's data, or null. Pure decision. */
    public L2Meta mergeCow(List<L2Meta> metas, long guestOffset, long bytes) {
        s.read();
        return linker.mergeCow(metas, guestOffset, bytes);
    }

    /**
     * Lock held: qcow2_co_truncate up to the size update, preallocation {@code prealloc} ("off", "metadata",
     * "falloc", "full"), zeroing the new area when {@code zeroNew} (BDRV_REQ_ZERO_WRITE). Returns
     * the unaligned head to fill with a write of zeros before {@link #setSize}, or null. Errors carry qemu's text.
     */
    public GuestRange truncate(int co, long offset, String prealloc, boolean zeroNew) {
        s.enter(co);
        long[] head = truncate.resize(offset, prealloc, zeroNew);
        return head == null ? null : new GuestRange(head[0], head[1]);
    }

    /** Lock held: the end of qcow2_co_truncate: the header's new size. */
    public void setSize(int co, long offset) {
        s.enter(co);
        truncate.setSize(offset);
    }

    /**
     * qcow2_vm_state_offset: where the VM state area (qemu-io's read -b and write -b) starts, at the first L1
     * entry's range past the end of the disk.
     */
    public long vmStateOffset() {
        long span = (long) s.clusterSize * s.l2Size;
        return (s.virtualSize + span - 1) / span * span;
    }

    /**
     * qcow2_co_pwritev_compressed_part's checks before any cluster is compressed: a compressed write covers whole
     * clusters from a cluster boundary, except a last piece that ends at the end of the disk. EINVAL otherwise.
     */
    public void checkCompressedWrite(long offset, long bytes) {
        boolean tailAtEnd = offset + bytes == size();
        if (bytes != 0 && (s.offsetIntoCluster(offset) != 0 || s.offsetIntoCluster(bytes) != 0 && !tailAtEnd)) {
            throw new Qcow2Error(Qcow2Error.EINVAL, "a compressed write must cover whole clusters (offset "
                    + offset + ", " + bytes + " bytes, cluster size " + s.clusterSize + ")");
        }
    }

    /** bdrv_co_truncate of the host file to bdrv_getlength's answer: its length rounded up to 512 bytes. */
    public void alignFileEnd(int co) {
        s.co = co;
        long len = s.file.length();
        long aligned = (len + 511) / 512 * 512;
        if (aligned > len) {
            s.file.writeZeroes(len, aligned - len);
        }
    }

    /** Unlocked: the guest data write (qcow2_writev_data); the bytes land when this runs. */
    public void writeData(int co, long hostOffset, byte[] data, int off, int len) {
        s.co = co; // data I/O only: the host file declares the clusters it writes
        s.emit(new EngineEvent.DataIoSubmitted(co, hostOffset, len));
        s.file.write(hostOffset, data, off, len);
        refcounts.caches.deps.fileWritten();
        s.emit(new EngineEvent.DataIoCompleted(co, hostOffset, len));
    }

    /**
     * {@link #writeData} of {@code len} bytes that all equal {@code pattern} (what qemu-io writes), without a
     * buffer: a request of up to 2 GiB costs no memory of its size.
     */
    public void writeData(int co, long hostOffset, byte pattern, long len) {
        s.co = co;
        s.emit(new EngineEvent.DataIoSubmitted(co, hostOffset, len));
        s.file.fill(hostOffset, len, pattern);
        refcounts.caches.deps.fileWritten();
        s.emit(new EngineEvent.DataIoCompleted(co, hostOffset, len));
    }

    /** The file node's write_gen: completed writes of the host file as qemu counts them. */
    public long fileWriteGen() {
        return refcounts.caches.deps.writeGen();
    }

    /**
     * The bdrv_flush(bs->file) calls the driver made under s->lock since the last call, each as the write_gen it
     * read on entry; the block layer makes them.
     */
    public long[] takeFileFlushes() {
        return refcounts.caches.deps.takeFileFlushes();
    }

    /**
     * Lock held: the end of qcow2_handle_l2meta for one linked allocation: off cluster_allocs, and its dependent
     * requests restarted. Returns the coroutines to wake.
     */
    public List<Integer> retire(int co, L2Meta m) {
        s.enter(co);
        return linker.retire(m);
    }

    /** Lock held: qcow2_handle_l2meta(link=false): free the allocation unless keep_old; returns coroutines to wake. */
    public List<Integer> abortL2Meta(int co, L2Meta m) {
        s.enter(co);
        linker.abort(m);
        return linker.retire(m);
    }

    /**
     * Lock held: qcow2_co_pwrite_zeroes for one piece from the generic layer, from the point where it holds
     * s->lock: an unaligned piece is widened to its cluster (the caller has already asked block status about
     * {@link #isZeroQueries}, each in its own lock section), then zeroized, including the punch of freed clusters.
     * False means -ENOTSUP: the generic layer falls back to writing a buffer of zeros.
     */
    public boolean pwriteZeroes(int co, long offset, long bytes, boolean mayUnmap) {
        return pwriteZeroes(co, offset, bytes, mayUnmap, true);
    }

    /**
     * As {@link #pwriteZeroes(int, long, long, boolean)}; with {@code punchNow} false the freed ranges stay queued
     * for {@link #processOneDiscard}, because qemu punches them as file I/O that yields with s->lock held.
     */
    public boolean pwriteZeroes(int co, long offset, long bytes, boolean mayUnmap, boolean punchNow) {
        s.enter(co);
        return zero.pwriteZeroes(offset, bytes, mayUnmap, punchNow);
    }

    /**
     * Lock held: one bdrv_pdiscard of qcow2_process_discards on the file: punches the oldest queued range.
     * Returns the punched host range, or null when none is queued.
     */
    public HostRange processOneDiscard(int co) {
        s.enter(co);
        long[] d = refcounts.processOneDiscard();
        return d == null ? null : new HostRange(d[0], d[1]);
    }

    /** Whether freed host ranges wait for their punch (between a zeroize or discard and its punches). */
    public boolean hasQueuedDiscards() {
        s.read();
        return !s.discards.isEmpty();
    }

    /** A range of the host file. */
    public record HostRange(long offset, long bytes) {
    }

    /** A range of the guest disk. */
    public record GuestRange(long offset, long bytes) {
    }

    /**
     * The guest ranges qcow2_co_pwrite_zeroes' is_zero asks block status about before it widens an unaligned
     * piece, in order, each answered by one lock-held {@link #blockStatusZero} call; empty for an aligned piece
     * (and for one whose rest of the cluster lies past the image end).
     */
    public List<GuestRange> isZeroQueries(long offset, long bytes) {
        if (!zero.needsWidening(offset, bytes)) {
            return List.of();
        }
        return zero.isZeroQueries(offset, bytes).stream().map(r -> new GuestRange(r[0], r[1])).toList();
    }

    /** Lock held: qcow2_co_block_status for a guest range inside one cluster: true when it reads as zero. */
    public boolean blockStatusZero(int co, long offset, long bytes) {
        s.enter(co);
        return zero.blockStatusZero(offset, bytes);
    }

    /** The guest view for an image opened as a backing file (no coroutine: the top image's request reads it). */
    void readView(long offset, byte[] dst, int off, int len) {
        s.read();
        reader.read(offset, dst, off, len);
    }

    boolean readsAsZero(long offset, long bytes) {
        s.read();
        return reader.readsAsZero(offset, bytes);
    }

    boolean allocatedInChain(long offset, long bytes) {
        s.read();
        return reader.allocatedInChain(offset, bytes);
    }

    /**
     * qcow2_change_backing_file: qcow2_update_header rewrites the header cluster with {@code link} (its format
     * extension and name) or, for null, without any (what a stream to the bottom ends with, and qemu-img rebase
     * -u -b ''); reads that fall through go to {@code image} from now on. A commit's bdrv_drop_intermediate does
     * this to the overlay.
     */
    public void changeBackingFile(int co, dev.blockstep.engine.qcow2.format.BackingFile link, BackingImage image) {
        s.enter(co);
        byte[] cluster = link == null ? s.header.withoutBacking().toClusterBytes()
                : link.headerCluster(s.header.withoutBacking());
        s.file.write(0, cluster);
        s.header = dev.blockstep.engine.qcow2.format.Header.decode(cluster);
        s.backingLink = link;
        s.backing = image;
    }

    /**
     * qcow2_cluster_discard(offset, bytes, QCOW2_DISCARD_SNAPSHOT, full_discard=true), as qcow2_make_empty's
     * fallback runs it: the entries are left empty, so reads fall through to the backing file.
     */
    public void discardAll(int co, long offset, long bytes) {
        s.enter(co);
        zero.clusterDiscard(offset, bytes, true, DiscardType.SNAPSHOT, true);
    }

    /** Lock held: qcow2_co_pdiscard for one piece (partial clusters: false, ignored), including the punch. */
    public boolean pdiscard(int co, long offset, long bytes) {
        return pdiscard(co, offset, bytes, true);
    }

    /** As {@link #pdiscard(int, long, long)}; {@code punchNow} as for write-zeroes. */
    public boolean pdiscard(int co, long offset, long bytes, boolean punchNow) {
        s.enter(co);
        return zero.pdiscard(offset, bytes, punchNow);
    }

    /** Lock held then unlocked data read: the guest view of a range (compressed clusters are inflated). */
    public void read(int co, long offset, byte[] dst, int off, int len) {
        s.enter(co);
        reader.read(offset, dst, off, len);
    }

    /** As {@link #read}, leaving in dst the parts that fall through to the backing image ({@link #readBacking}). */
    public void readOwn(int co, long offset, byte[] dst, int off, int len) {
        s.enter(co);
        reader.read(offset, dst, off, len, false);
    }

    /**
     * Lock held: the runs of a guest range that qcow2_get_host_offset finds unallocated in an image with a
     * backing file, which qcow2_co_preadv_task then reads through bdrv_co_preadv_part on the backing child.
     */
    public List<GuestRange> backingRuns(int co, long offset, long bytes) {
        s.enter(co);
        return reader.backingRuns(offset, bytes).stream().map(r -> new GuestRange(r[0], r[1])).toList();
    }

    /**
     * The backing child's read of one run (bdrv_co_preadv_part on bs->backing), zeroes past its end, or zeroes when
     * there is no backing file (an unallocated cluster's read under copy-on-read).
     */
    public void readBacking(int co, GuestRange run, byte[] dst, int off) {
        s.co = co; // nothing writes a backing image, so its read shares no state with other steps
        if (s.backing == null) {
            java.util.Arrays.fill(dst, off, off + (int) run.bytes(), (byte) 0);
            return;
        }
        s.backing.read(run.offset(), dst, off, (int) run.bytes());
    }

    /** Lock held: the runs bdrv_co_do_copy_on_readv copies for a read of [offset, offset+bytes) under copy-on-read. */
    public List<GuestRange> copyOnReadRuns(int co, long offset, long bytes) {
        s.enter(co);
        return reader.copyOnReadRuns(offset, bytes).stream().map(r -> new GuestRange(r[0], r[1])).toList();
    }

    /**
     * Lock held: qcow2_co_flush_to_os (qcow2_write_caches). Metadata is on the host file already, except the
     * tables qemu's caches could not write back: those are tried again, and a refusal fails the flush with EIO.
     * Returns the I/O qemu makes meanwhile, in order: a write per dirty cache entry, and the file flushes a cache
     * dependency puts before them; empty when both caches are clean.
     */
    public List<CacheIo> flushToOs(int co) {
        s.enter(co);
        refcounts.caches.writeCaches();
        return refcounts.caches.deps.takeIo();
    }

    /**
     * What bdrv_close writes when qemu-io closes the image ({@link MetadataCaches#close}), in one step: nothing else
     * runs by then. Clean caches write nothing, so an intact image's close with clean caches declares no access.
     */
    public void close(int co) {
        if (s.corrupt) {
            return;
        }
        if (refcounts.caches.holdsTables() || refcounts.caches.deps.anyDirty() || !s.needAccurateRefcounts()) {
            s.enter(co);
            refcounts.caches.close();
        } else {
            s.co = co;
            refcounts.caches.closeClean();
        }
    }

    /**
     * The process dies with the image open (qemu-io's sigraise 9 or abort): nothing is closed, and every update
     * qemu's caches had not written back is lost, as after a fatal corruption.
     */
    public void exitAbruptly(int co) {
        s.co = co;
        if (!s.corrupt) {
            refcounts.caches.detach();
        }
    }

    /**
     * qcow2_update_options at an open or a drained reopen: both caches are flushed (an open's caches are empty) and
     * replaced by caches of the new sizes, turning lazy refcounts off marks the image clean (qcow2_mark_clean), and
     * the discard types passed down change. With {@code readOnly}, qcow2_reopen_prepare then flushes and marks the
     * image clean as well. Nothing runs beside a drained reopen, so its file flushes are not made as steps. At an
     * open ({@code opening}) there are no caches to flush yet and no lazy-refcounts setting to turn off.
     */
    public void updateOptions(int co, Qcow2RuntimeOptions o, boolean opening, boolean readOnly) {
        if (s.corrupt) {
            return;
        }
        if (opening) {
            refcounts.caches.deps.replaceCaches(o.l2Entries(), o.l2EntrySize(), o.refcountEntries());
            s.useLazyRefcounts = o.lazyRefcounts();
            s.discardPassthrough.clear();
            s.discardPassthrough.addAll(o.discardPassthrough());
            return;
        }
        s.enter(co);
        MetadataCaches caches = refcounts.caches;
        try {
            caches.flushL2();
            caches.flushRefcountBlocks();
            caches.deps.replaceCaches(o.l2Entries(), o.l2EntrySize(), o.refcountEntries());
            if (s.useLazyRefcounts && !o.lazyRefcounts() || readOnly) {
                DirtyBit.markClean(s, caches);
            }
        } catch (Qcow2Error ignored) {
            // the image is marked corrupt and the driver detached, as qemu's failed reopen leaves it
        } finally {
            caches.deps.takeIo();
        }
        s.useLazyRefcounts = o.lazyRefcounts();
        s.discardPassthrough.clear();
        s.discardPassthrough.addAll(o.discardPassthrough());
    }

    /** The metadata as an {@link dev.blockstep.engine.snapshot.ImageView}. */
    public dev.blockstep.engine.snapshot.ImageView imageView() {
        return ImageViews.of(s);
    }

    /**
     * Reopens an image at a quiescent point of a run (no allocation in flight): as {@link #open}, with
     * free_cluster_index carried over, since it is the one allocator state not stored in the file. For the
     * coroutine engine's checkpoints.
     */
    public static Qcow2Driver reopenAt(HostFile file, String name, EngineEventSink sink, long freeClusterIndex)
            throws ImageFormatException {
        return reopenAt(file, name, sink, freeClusterIndex, null);
    }

    /** As {@link #reopenAt(HostFile, String, EngineEventSink, long)}, with the image's backing chain. */
    public static Qcow2Driver reopenAt(HostFile file, String name, EngineEventSink sink, long freeClusterIndex,
                                       BackingOpener backing) throws ImageFormatException {
        Qcow2Driver d = open(file, name, sink, backing);
        d.s.freeClusterIndex = freeClusterIndex;
        return d;
    }
}
