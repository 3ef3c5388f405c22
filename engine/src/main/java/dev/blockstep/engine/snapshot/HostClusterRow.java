package dev.blockstep.engine.snapshot;

import java.util.List;

/**
 * One host cluster with its on-disk refcount and who references it.
 *
 * @param role        "header", "refcount table", "refcount block", "L1", "L2", "data", or "free"
 * @param referencedBy guest clusters whose L2 entry points here (data clusters only)
 * @param references  references counted the way qemu-img check counts them
 */
public record HostClusterRow(long hostCluster, int refcount, int references, String role, List<Long> referencedBy) {
    public HostClusterRow {
        referencedBy = List.copyOf(referencedBy);
    }

    /** Two or more L2 entries name this cluster. */
    public boolean aliased() {
        return referencedBy.size() > 1;
    }

    /** Fewer on-disk references than live pointers: the corruption qemu-img check reports as ERROR. */
    public boolean underCounted() {
        return refcount < references;
    }

    public boolean leaked() {
        return refcount > references;
    }
}
