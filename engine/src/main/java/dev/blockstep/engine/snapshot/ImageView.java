package dev.blockstep.engine.snapshot;

import java.util.List;

/**
 * The qcow2 metadata as it stands on the (in-memory) image after a step.
 *
 * @param l1 raw L1 entries, index = L1 index
 * @param backing the backing file and the clusters read through to it, or null for an image without one
 */
public record ImageView(int clusterSize, long virtualSize, long fileLength, List<Long> l1, List<L2Row> l2,
                        List<HostClusterRow> hostClusters, BackingView backing) {
    public ImageView {
        l1 = List.copyOf(l1);
        l2 = List.copyOf(l2);
        hostClusters = List.copyOf(hostClusters);
    }

    /** An image without a backing file. */
    public ImageView(int clusterSize, long virtualSize, long fileLength, List<Long> l1, List<L2Row> l2,
                     List<HostClusterRow> hostClusters) {
        this(clusterSize, virtualSize, fileLength, l1, l2, hostClusters, null);
    }
}
