package dev.blockstep.engine.check;

import java.util.List;

/**
 * One host cluster as the check sees it.
 *
 * @param cluster       host cluster index (byte offset / cluster size)
 * @param refcount      on-disk refcount, unsigned; meaningless when {@code refcountReadable} is false
 * @param refcountReadable false when the refcount block covering the cluster cannot be read (unaligned)
 * @param references    references counted the way qemu-img check counts them, unsigned
 * @param role          what the first reference found it to be
 * @param referencedBy  guest clusters whose L2 entries point here, ascending by walk order
 */
public record HostClusterUse(long cluster, long refcount, boolean refcountReadable, long references,
                             ClusterRole role, List<Long> referencedBy) {
    public HostClusterUse {
        referencedBy = List.copyOf(referencedBy);
    }

    /** The on-disk refcount and the counted references differ. */
    public boolean mismatched() {
        return !refcountReadable || refcount != references;
    }
}
