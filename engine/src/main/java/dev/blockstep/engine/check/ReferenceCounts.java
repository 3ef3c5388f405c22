package dev.blockstep.engine.check;

import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.format.ImageFormatException;
import dev.blockstep.engine.snapshot.HostClusterRow;
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

    /** As {@link #of(HostFile)}, naming the image {@code name} in error messages. */
    public static ReferenceCounts of(HostFile file, String name) throws ImageFormatException {
        return of(ImageBytes.of(file), name);
    }

    /** Reads a file on disk without loading it, so a large sparse image costs only its metadata. */
    public static ReferenceCounts of(java.nio.file.Path path) throws ImageFormatException, java.io.IOException {
        try (ImageBytes bytes = ImageBytes.open(path)) {
            return of(bytes, path.toString());
        }
    }

    public static ReferenceCounts of(ImageBytes bytes, String name) throws ImageFormatException {
        try {
            OpenImage image = Qcow2Open.open(bytes, name);
            Qcow2Check check = new Qcow2Check(image, bytes, CheckOutput.DISCARD, true);
            CheckResult result = check.run();
            return new ReferenceCounts(image.clusterSize(), check.uses(), result);
        } catch (CheckException e) {
            throw new ImageFormatException(e.kind() == CheckException.Kind.OPEN_FAILED ? e.getMessage()
                    : name + ": " + (e.kind() == CheckException.Kind.NO_CHECK_FOR_FORMAT
                    ? "magic at offset 0x0: expected a qcow2 image (QFI\\xfb, version 2 or 3)" : e.getMessage()));
        }
    }

    /**
     * The snapshot rows the GUI shows. Refcounts and reference counts above Integer.MAX_VALUE (possible only
     * with 32- or 64-bit refcounts) are shown as Integer.MAX_VALUE; an unreadable refcount as -1.
     */
    public List<HostClusterRow> rows() {
        return clusters.stream()
                .map(u -> new HostClusterRow(u.cluster(), u.refcountReadable() ? clamp(u.refcount()) : -1,
                        clamp(u.references()), u.role().label(), u.referencedBy()))
                .toList();
    }

    private static int clamp(long unsigned) {
        return Long.compareUnsigned(unsigned, Integer.MAX_VALUE) > 0 ? Integer.MAX_VALUE : (int) unsigned;
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
