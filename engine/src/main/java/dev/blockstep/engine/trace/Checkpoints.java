package dev.blockstep.engine.trace;

import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.snapshot.HostClusterRow;
import dev.blockstep.engine.snapshot.ImageView;
import dev.blockstep.engine.snapshot.L2Row;
import dev.blockstep.trace.Checkpoint;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/** Takes checkpoints of the engine's state and compares a recorded checkpoint with it. */
public final class Checkpoints {

    private Checkpoints() {
    }

    /** Every non-zero L2 entry, every host cluster's refcount, and the hash of the file bytes. */
    public static Checkpoint take(long step, ImageView image, HostFile file) {
        TreeMap<Long, Long> l2 = new TreeMap<>();
        for (L2Row row : image.l2()) {
            l2.put(row.guestCluster(), row.entry().raw());
        }
        TreeMap<Long, Integer> refcounts = new TreeMap<>();
        for (HostClusterRow row : image.hostClusters()) {
            refcounts.put(row.hostCluster(), row.refcount());
        }
        return new Checkpoint(step, TraceImages.sha256(file), l2, refcounts);
    }

    /** Null when the engine's state has everything the recorded checkpoint says, else the first difference. */
    public static String mismatch(Checkpoint recorded, ImageView image, HostFile file) {
        return mismatch(recorded, () -> image, file);
    }

    /** The same; the image view, which lists every host cluster, is built only when the checkpoint has tables. */
    public static String mismatch(Checkpoint recorded, Supplier<ImageView> image, HostFile file) {
        String at = "step " + recorded.step() + ": ";
        if (recorded.imageSha256() != null) {
            String sha = TraceImages.sha256(file);
            if (!recorded.imageSha256().equals(sha)) {
                return at + "the image bytes hash to " + sha + ", the trace expects " + recorded.imageSha256();
            }
        }
        if (recorded.l2().isEmpty() && recorded.refcounts().isEmpty()) {
            return null;
        }
        Checkpoint actual = take(recorded.step(), image.get(), file);
        for (Map.Entry<Long, Long> e : recorded.l2().entrySet()) {
            long is = actual.l2().getOrDefault(e.getKey(), 0L);
            if (is != e.getValue()) {
                return at + "L2 entry of guest cluster " + e.getKey() + " is 0x" + Long.toHexString(is)
                        + ", the trace expects 0x" + Long.toHexString(e.getValue());
            }
        }
        for (Map.Entry<Long, Integer> e : recorded.refcounts().entrySet()) {
            int is = actual.refcounts().getOrDefault(e.getKey(), 0);
            if (is != e.getValue()) {
                return at + "refcount of host cluster " + e.getKey() + " is " + is + ", the trace expects "
                        + e.getValue();
            }
        }
        return null;
    }
}
