package dev.blockstep.engine.check;

import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.format.ImageFormatException;
import java.util.List;

/**
 * Per host cluster: the on-disk refcount, the references the metadata makes, what the cluster holds and
 * which guest clusters point at it, computed independently of any driver state by the same walk as
 * {@code qemu-img check}. Only clusters with a non-zero refcount or at least one reference are listed,
 * so a large virtual disk with few allocated clusters stays small.
 *
 * @param clusterSize bytes per cluster
 * @param clusters    ascending by host cluster index
 * @param result      the check's counters for the same walk
 */
public record ReferenceCounts(long clusterSize, List<HostClusterUse> clusters, CheckResult result) {

    public ReferenceCounts {
        clusters = List.copyOf(clusters);
    }

    /** Reads the image's metadata as it stands in {@code file}; never changes it. */
    public static ReferenceCounts of(HostFile file) throws ImageFormatException {
        return of(ImageBytes.of(file), "image");
    }

    public static ReferenceCounts of(ImageBytes bytes, String name) throws ImageFormatException {
        try {
            OpenImage image = Qcow2Open.open(bytes, name);
            Qcow2Check check = new Qcow2Check(image, bytes, CheckOutput.DISCARD, true);
            CheckResult result = check.run();
            return new ReferenceCounts(image.clusterSize(), check.uses(), result);
        } catch (CheckException e) {
            throw new ImageFormatException(e.getMessage());
        }
    }

    /** The row for one host cluster, or null when nothing references it and its refcount is 0. */
    public HostClusterUse cluster(long index) {
        int lo = 0;
        int hi = clusters.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long c = clusters.get(mid).cluster();
            if (c < index) {
                lo = mid + 1;
            } else if (c > index) {
                hi = mid - 1;
            } else {
                return clusters.get(mid);
            }
        }
        return null;
    }
}
