package dev.blockstep.engine.snapshot;

import java.util.List;

/**
 * The qcow2 metadata as it stands on the (in-memory) image after a step.
 *
 * @param l1 raw L1 entries, index = L1 index
 */
public record ImageView(int clusterSize, long virtualSize, long fileLength, List<Long> l1, List<L2Row> l2,
                        List<HostClusterRow> hostClusters) {
    public ImageView {
        l1 = List.copyOf(l1);
        l2 = List.copyOf(l2);
        hostClusters = List.copyOf(hostClusters);
    }
}
