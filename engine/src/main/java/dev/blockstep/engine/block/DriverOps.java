package dev.blockstep.engine.block;

import dev.blockstep.engine.event.EngineEvent;
import java.util.function.Consumer;

/**
 * What the request coroutines need from the qcow2 driver: qemu's operations cut at its yield points. Each
 * method runs atomically; the caller guarantees the lock state named on it (the driver never touches s->lock).
 * Events are reported to {@code ev} in the order they happen.
 */
public interface DriverOps {

    int clusterSize();

    long virtualSize();

    /** An in-flight allocation (QCowL2Meta). Compared by identity. */
    interface L2Meta {
        /** Guest offset of the first cluster. */
        long guestOffset();

        long hostOffset();

        int clusters();

        boolean keepOld();
    }

    /** Result of one qcow2_alloc_host_offset attempt. */
    sealed interface Alloc {
        /**
         * @param meta     null for a pure in-place overwrite (nothing to link)
         * @param inPlace  handle_copied reused the existing cluster; false for handle_alloc
         */
        record Chunk(long hostOffset, long bytes, L2Meta meta, boolean inPlace) implements Alloc { }

        /** handle_dependencies found an overlapping in-flight allocation; the lock must be dropped and retaken. */
        record MustWait(L2Meta on) implements Alloc { }
    }

    /** s->lock held. Finds or allocates the host range for the start of [offset, offset+bytes). */
    Alloc allocHostOffset(long offset, long bytes, Consumer<EngineEvent> ev);

    /** No lock. The guest data lands at host offset (completion of the data write). */
    void writeData(long hostOffset, byte[] data, int dataOffset, int len, Consumer<EngineEvent> ev);

    /** Whether link_l2 must first copy COW regions, which it does with the lock dropped. */
    boolean needsCow(L2Meta meta);

    /** No lock. perform_cow's reads and writes; the bytes land now. */
    void performCow(L2Meta meta, Consumer<EngineEvent> ev);

    /** s->lock held. qcow2_alloc_cluster_link_l2 and removal from cluster_allocs. */
    void linkL2(L2Meta meta, Consumer<EngineEvent> ev);

    /** s->lock held. qcow2_subcluster_zeroize over a cluster-aligned range (punch included); false = -ENOTSUP. */
    boolean zeroize(long offset, long bytes, boolean mayUnmap, Consumer<EngineEvent> ev);

    /**
     * s->lock held. Whether qcow2_co_pwrite_zeroes can do [offset, offset+bytes), which is not cluster-aligned,
     * by promoting it to whole-cluster zeroing (the rest reads as zero and the cluster is unallocated or zero).
     */
    boolean canZeroPartial(long offset, long bytes);

    /** s->lock held. qcow2_cluster_discard over a cluster-aligned range (punch included). */
    void discard(long offset, long bytes, Consumer<EngineEvent> ev);

    /** s->lock held. qcow2_co_flush_to_os: write the caches. */
    void flushToOs(Consumer<EngineEvent> ev);

    /** s->lock held. qcow2_get_host_offset for a read: host offset (or -1 for zero/unallocated) and length. */
    long[] hostOffsetForRead(long offset, long bytes);

    /** No lock. Reads guest data at completion of the data read. */
    void readData(long guestOffset, long hostOffset, byte[] dst, int dstOffset, int len);
}
