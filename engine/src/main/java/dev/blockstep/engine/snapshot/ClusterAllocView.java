package dev.blockstep.engine.snapshot;

/**
 * One entry of qcow2's {@code cluster_allocs}: a writer's allocation between its decision
 * (qcow2_alloc_host_offset) and link_l2, the window in which the lock may be dropped for data I/O.
 *
 * @param coroutine   the writer that owns the allocation
 * @param guestOffset guest offset of its first cluster
 * @param hostOffset  host offset of its first cluster
 * @param bytes       length of both ranges (whole clusters)
 * @param cow         whether link_l2 will copy-on-write a head or tail into the new clusters first
 * @param keepOld     keep_old_clusters: the host clusters were already the guest's (a zero cluster's reuse)
 */
public record ClusterAllocView(int coroutine, long guestOffset, long hostOffset, long bytes, boolean cow,
                               boolean keepOld) {
}
