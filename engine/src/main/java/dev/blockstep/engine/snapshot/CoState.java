package dev.blockstep.engine.snapshot;

/** Where a coroutine stands between two steps. Every state except DONE and the WAITING ones can step. */
public enum CoState {
    /** Can take the next step. */
    RUNNABLE,
    /** Its data I/O was submitted; its next step is the completion. Runnable. */
    IN_DATA_IO,
    /** Queued on a CoMutex (s->lock). */
    WAITING_LOCK,
    /** Waiting on a conflicting tracked request in the generic block layer. */
    WAITING_TRACKED_REQUEST,
    /** Waiting on an overlapping in-flight cluster allocation (qcow2 cluster_allocs). */
    WAITING_DEPENDENCY,
    /** Queued behind another flush of the same node (bdrv_co_flush's flush_queue). */
    WAITING_FLUSH,
    /** qemu-io's main loop waiting for requests to complete: a synchronous command, aio_flush, or exit. */
    WAITING_COMPLETION,
    DONE;

    public boolean canStep() {
        return this == RUNNABLE || this == IN_DATA_IO;
    }
}
