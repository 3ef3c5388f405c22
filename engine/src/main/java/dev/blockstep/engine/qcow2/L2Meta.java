package dev.blockstep.engine.qcow2;

import java.util.ArrayList;
import java.util.List;

/**
 * qemu's QCowL2Meta: one in-flight allocation of a write, from the allocation decision until link_l2.
 * Lives in {@link Qcow2State#clusterAllocs} meanwhile, where later writers find it in handle_dependencies.
 */
public final class L2Meta {

    /** A copy-on-write region, relative to the start of the first cluster. */
    public record CowRegion(long offset, long nbBytes) {
    }

    /** Coroutine that owns the allocation. */
    public final int coroutine;
    /** Guest offset of the first cluster. */
    public final long offset;
    /** Host offset of the first cluster. */
    public final long allocOffset;
    public final int nbClusters;
    /** keep_old_clusters: the clusters were already allocated (ZERO_ALLOC reuse); link_l2 must not free them. */
    public final boolean keepOld;
    public final CowRegion cowStart;
    public final CowRegion cowEnd;
    /** Set by handle_alloc_space when it zero-filled the area instead of copying. */
    boolean skipCow;
    /** dependent_requests: coroutines waiting in handle_dependencies for this allocation to be linked. */
    final List<Integer> dependentRequests = new ArrayList<>();

    L2Meta(int coroutine, long offset, long allocOffset, int nbClusters, boolean keepOld, CowRegion cowStart,
           CowRegion cowEnd) {
        this.coroutine = coroutine;
        this.offset = offset;
        this.allocOffset = allocOffset;
        this.nbClusters = nbClusters;
        this.keepOld = keepOld;
        this.cowStart = cowStart;
        this.cowEnd = cowEnd;
    }

    /** l2meta_cow_start: guest offset where the COW head begins. */
    long cowStartGuest() {
        return offset + cowStart.offset();
    }

    /** l2meta_cow_end: guest offset where the COW tail ends. */
    long cowEndGuest() {
        return offset + cowEnd.offset() + cowEnd.nbBytes();
    }

    public boolean skipCow() {
        return skipCow;
    }

    /** The coroutines queued on this allocation, oldest first. */
    public List<Integer> dependentRequests() {
        return List.copyOf(dependentRequests);
    }

    /** Queues a coroutine on dependent_requests (qemu_co_queue_wait). */
    public void addDependent(int coroutine) {
        dependentRequests.add(coroutine);
    }

    @Override
    public String toString() {
        return "L2Meta[co " + coroutine + " guest 0x" + Long.toHexString(offset) + " host 0x"
                + Long.toHexString(allocOffset) + " x" + nbClusters + (keepOld ? " keep_old" : "") + "]";
    }
}
