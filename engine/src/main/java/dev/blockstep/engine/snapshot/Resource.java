package dev.blockstep.engine.snapshot;

/**
 * Shared state a step can touch. Two steps that touch no resource in common (or only read it) give the same
 * result in either order, which is what the explorer's reduction relies on; so every shared thing a step
 * can observe or change must be one of these.
 */
public sealed interface Resource {

    /** A CoMutex (qemu's s->lock): its owner and its waiters. */
    record Mutex(String name) implements Resource { }

    /** One cluster of the host file's bytes (data, or metadata tables as stored). */
    record HostCluster(long index) implements Resource { }

    /** A coroutine's own state: its locals, and whether it runs (stepped, woken or spawned). */
    record CoroutineState(int id) implements Resource { }

    /**
     * A counter that steps only add to or read: a step that adds declares a write. Two additions give the same
     * count in either order, so of two steps touching one counter only an addition and a read conflict.
     */
    enum Counter implements Resource {
        /** The file node's write_gen: completed writes add one, and a flush of the file reads it. */
        FILE_WRITE_GEN
    }

    /** The node-wide structures that have no finer identity. */
    enum Shared implements Resource {
        /** bs->tracked_requests and serialising_in_flight. */
        TRACKED_REQUESTS,
        /** The flush serialisation: active_flush_req and flush_queue. */
        FLUSH_QUEUE,
        /** The file node's flush serialisation: its active_flush_req, flush_queue and flushed_gen. */
        FILE_FLUSH_QUEUE,
        /**
         * The driver's in-memory state (BDRVQcow2State): L1/L2 and refcount tables, cluster_allocs,
         * free_cluster_index, the queued discards.
         */
        METADATA,
        /** Whether the driver is still attached (bs->drv): a fatal corruption detaches it. */
        MEDIUM,
        /**
         * A mirror job's own state (dirty bitmap, in-flight bitmap, operations) and its target node, which the
         * engine does not split into finer resources: every step that touches them conflicts with every other.
         */
        BLOCK_JOB
    }
}
