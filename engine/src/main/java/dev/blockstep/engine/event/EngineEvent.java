package dev.blockstep.engine.event;

import dev.blockstep.engine.fix.FixVariant;

/**
 * What a step did. One record per kind, named after qemu's trace events or functions where one exists.
 * The recorder, the narration, breakpoints and the timeline all read this one stream.
 */
public sealed interface EngineEvent {

    /** Coroutine that caused the event. */
    int coroutine();

    /** {@code name} is the coroutine's, as the debugger shows it (W1, Z2): a timeline names lanes from history. */
    record RequestStarted(int coroutine, String name, String request) implements EngineEvent { }

    record RequestFinished(int coroutine, String result) implements EngineEvent { }

    /** tracked_request_begin on the qcow2 node. */
    record TrackedRequestBegin(int coroutine, int request, long offset, long bytes, String type, boolean serialising)
            implements EngineEvent { }

    record TrackedRequestEnd(int coroutine, int request) implements EngineEvent { }

    /** bdrv_wait_serialising_requests found a conflict and sleeps on it. */
    record WaitSerialising(int coroutine, int request, int waitingFor) implements EngineEvent { }

    /** qemu_co_mutex_lock_uncontended, or lock_return after a wait. */
    record LockAcquired(int coroutine, String mutex, boolean contended) implements EngineEvent { }

    /** qemu_co_mutex_lock_entry: about to sleep on the mutex. */
    record LockContended(int coroutine, String mutex, int owner) implements EngineEvent { }

    /** qemu_co_mutex_unlock_entry; handedTo is the waiter that now owns it, or -1. */
    record LockReleased(int coroutine, String mutex, int handedTo) implements EngineEvent { }

    /** The unlock of s->lock by an allocating write that goes on to its data I/O without the lock. */
    record LockDroppedForDataIo(int coroutine, long hostOffset, long bytes) implements EngineEvent { }

    /** qcow2_alloc_host_offset's decision: reuse in place (handle_copied) or a fresh allocation (handle_alloc). */
    record HostOffsetChosen(int coroutine, long guestOffset, long hostOffset, long bytes, boolean inPlace,
                            boolean keepOld) implements EngineEvent { }

    /** handle_dependencies: waits on an overlapping in-flight allocation of another coroutine. */
    record DependencyWait(int coroutine, int onCoroutine) implements EngineEvent { }

    /** qcow2_writev_data: data write submitted to the file node. */
    record DataIoSubmitted(int coroutine, long hostOffset, long bytes) implements EngineEvent { }

    /** The data has landed in the host file. */
    record DataIoCompleted(int coroutine, long hostOffset, long bytes) implements EngineEvent { }

    /** Any L2 entry change (link_l2, zeroize, discard). */
    record L2EntryWritten(int coroutine, long guestCluster, long oldRaw, long newRaw) implements EngineEvent { }

    /** L1 entry change (L2 table allocation). */
    record L1EntryWritten(int coroutine, int l1Index, long oldRaw, long newRaw) implements EngineEvent { }

    record RefcountChanged(int coroutine, long hostCluster, int oldRefcount, int newRefcount)
            implements EngineEvent { }

    /** Cluster handed out by the allocator. */
    record ClustersAllocated(int coroutine, long hostOffset, int clusters, String purpose) implements EngineEvent { }

    /** fallocate(PUNCH_HOLE) of a freed cluster range. */
    record HolePunched(int coroutine, long hostOffset, long bytes) implements EngineEvent { }

    /** qemu's trace event qcow2_cache_flush, which qcow2_cache_write prints as it starts on one cache. */
    record CacheFlush(int coroutine, boolean l2Cache) implements EngineEvent { }

    /** qemu's trace event qcow2_cache_entry_flush: a dirty cache entry (at {@code index}) is written back. */
    record CacheEntryFlush(int coroutine, boolean l2Cache, int index, long offset) implements EngineEvent { }

    /** A line qemu prints to stderr, e.g. "qcow2_free_clusters failed: Invalid argument". */
    record StderrLine(int coroutine, String line) implements EngineEvent { }

    /**
     * The user changed the fix variant between steps. It is the first event of the first step taken after
     * the change (coroutine = that step's coroutine); changing and changing back before a step emits nothing.
     */
    record FixToggled(int coroutine, FixVariant variant) implements EngineEvent {
        /** Whether the new variant gates anything (false only for none). */
        public boolean on() {
            return variant.gatesAnything();
        }
    }
}
