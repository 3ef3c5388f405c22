package dev.blockstep.engine.qcow2;

import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.event.EngineEventSink;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.format.BackingFile;
import dev.blockstep.engine.qcow2.format.Header;
import dev.blockstep.engine.qcow2.format.Qcow2Constants;
import dev.blockstep.engine.snapshot.Resource;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * What qemu keeps in BDRVQcow2State for one open image, plus the host file it works on.
 *
 * <p>Metadata is written through to {@link #file} at once (qemu's caches are written back before every
 * request completes in qemu-io's writethrough mode, and whole tables are always written), so the file
 * is always the on-disk state and the in-memory tables below are the ones qemu also keeps in memory.
 */
public final class Qcow2State {
    final HostFile file;
    Header header;
    final int clusterBits;
    final int clusterSize;
    /** Entries per L2 table (l2_size; the L2 slice is the whole table). */
    final int l2Size;
    /** The disk size in the header; truncate changes it. */
    long virtualSize;

    int l1Size;
    long l1TableOffset;
    L1Table l1Table;

    long refcountTableOffset;
    /** Entries in the refcount table (refcount_table_size). */
    int refcountTableSize;
    long[] refcountTable;
    int maxRefcountTableIndex;
    final int refcountBlockBits;
    final int refcountBlockSize;
    final RefcountArray refcounts;

    /** free_cluster_index: where the next search for free clusters starts; 0 at every open. */
    long freeClusterIndex;
    /** free_byte_offset: where the next compressed cluster may start inside a partly used host cluster, or 0. */
    long freeByteOffset;
    /** cluster_allocs: in-flight allocations of writers, newest first (QLIST_INSERT_HEAD). */
    final List<L2Meta> clusterAllocs = new ArrayList<>();
    /** cache_discards: while true, frees are queued in {@link #discards} instead of punched at once. */
    boolean cacheDiscards;
    /** s->discards: queued punch ranges {offset, bytes}, adjacent ranges merged. */
    final List<long[]> discards = new ArrayList<>();
    /** A fatal corruption was signalled: qemu has detached the driver (bs->drv = NULL). */
    boolean corrupt;
    /** use_lazy_refcounts: the compatible feature bit read at open, or the lazy-refcounts option. */
    boolean useLazyRefcounts;
    /** discard_passthrough[type]. */
    final Set<DiscardType> discardPassthrough;

    /** The backing file the header names, or null. */
    BackingFile backingLink;
    /** The opened backing image, read where this image's clusters are unallocated; null without a link. */
    BackingImage backing;

    private final EngineEventSink sink;
    /** The coroutine on whose behalf the current operation runs; set by each public operation. */
    int co;
    /** Told of every driver operation on this state (see {@link Qcow2Driver#observe}). */
    BiConsumer<Resource, Boolean> observer = (r, write) -> { };
    private final List<String> stderr = new ArrayList<>();

    Qcow2State(HostFile file, Header header, L1Table l1Table, long[] refcountTable, EngineEventSink sink,
               boolean unmap) {
        this.file = file;
        this.header = header;
        this.clusterBits = header.clusterBits();
        this.clusterSize = header.clusterSize();
        this.l2Size = clusterSize / 8;
        this.virtualSize = header.size();
        this.l1Size = header.l1Size();
        this.l1TableOffset = header.l1TableOffset();
        this.l1Table = l1Table;
        this.refcountTableOffset = header.refcountTableOffset();
        this.refcountTable = refcountTable;
        this.refcountTableSize = refcountTable.length;
        this.refcountBlockBits = clusterBits - (header.refcountOrder() - 3);
        this.refcountBlockSize = 1 << refcountBlockBits;
        this.refcounts = new RefcountArray(header.refcountOrder());
        this.sink = sink;
        this.useLazyRefcounts = (header.compatibleFeatures() & Qcow2Constants.COMPAT_LAZY_REFCOUNTS) != 0;
        this.discardPassthrough = unmap ? EnumSet.of(DiscardType.ALWAYS, DiscardType.REQUEST, DiscardType.SNAPSHOT)
                : EnumSet.of(DiscardType.ALWAYS, DiscardType.SNAPSHOT);
        updateMaxRefcountTableIndex();
    }

    /**
     * qcow2_need_accurate_refcounts: false while the dirty bit is set, when the refcounts on disk may lag behind
     * the L2 tables (lazy refcounts) and only a repair makes them right again.
     */
    boolean needAccurateRefcounts() {
        return (header.incompatibleFeatures() & Qcow2Constants.INCOMPAT_DIRTY) == 0;
    }

    void updateMaxRefcountTableIndex() {
        int i = refcountTableSize - 1;
        while (i > 0 && (refcountTable[i] & dev.blockstep.engine.qcow2.format.Qcow2Constants.REFT_OFFSET_MASK) == 0) {
            i--;
        }
        maxRefcountTableIndex = i;
    }

    /** Starts a driver operation for coroutine {@code c}: sets {@link #co} and reports the metadata access. */
    void enter(int c) {
        co = c;
        observer.accept(Resource.Shared.METADATA, true);
    }

    /** Reports that an operation that names no coroutine read the metadata. */
    void read() {
        observer.accept(Resource.Shared.METADATA, false);
    }

    /** A fatal corruption detaches the driver: every later request, and qemu-io's loop, sees it gone. */
    void detach() {
        corrupt = true;
        observer.accept(Resource.Shared.MEDIUM, true);
    }

    void emit(EngineEvent e) {
        sink.emit(e);
    }

    /** A line qemu prints on stderr. */
    void stderrLine(String line) {
        stderr.add(line);
        sink.emit(new EngineEvent.StderrLine(co, line));
    }

    /** Every stderr line so far, in order. */
    public List<String> stderrLines() {
        return List.copyOf(stderr);
    }

    long startOfCluster(long offset) {
        return offset & ~((long) clusterSize - 1);
    }

    long offsetIntoCluster(long offset) {
        return offset & (clusterSize - 1);
    }

    long sizeToClusters(long size) {
        return (size + clusterSize - 1) >>> clusterBits;
    }

    int l1Index(long guestOffset) {
        return (int) (guestOffset >>> (clusterBits + clusterBits - 3));
    }

    int l2Index(long guestOffset) {
        return (int) ((guestOffset >>> clusterBits) & (l2Size - 1));
    }
}
