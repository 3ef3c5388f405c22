package dev.blockstep.engine.qcow2;

import static dev.blockstep.engine.qcow2.format.Qcow2Constants.L1E_OFFSET_MASK;

import dev.blockstep.engine.check.HostClusterUse;
import dev.blockstep.engine.check.ReferenceCounts;
import dev.blockstep.engine.qcow2.format.ImageFormatException;
import dev.blockstep.engine.qcow2.format.L2Entry;
import dev.blockstep.engine.qcow2.format.ClusterType;
import dev.blockstep.engine.snapshot.BackingView;
import dev.blockstep.engine.snapshot.HostClusterRow;
import dev.blockstep.engine.snapshot.ImageView;
import dev.blockstep.engine.snapshot.L2Row;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the {@link ImageView} of an open image: L1 and the non-zero L2 rows from the driver's tables, and
 * the host clusters (refcount, references, role, referencedBy) from the checker's reference walk over the
 * same bytes, so the view and {@code blockstep check} can never disagree.
 */
final class ImageViews {
    private ImageViews() {
    }

    static ImageView of(Qcow2State s) {
        List<Long> l1 = s.l1Table.view();
        List<L2Row> l2Rows = new ArrayList<>();
        for (var entry : s.l1Table.nonZero()) {
            int i = entry.getKey();
            long l2 = entry.getValue() & L1E_OFFSET_MASK;
            if (l2 == 0 || s.offsetIntoCluster(l2) != 0) {
                continue;
            }
            for (int j = 0; j < s.l2Size; j++) {
                L2Entry e = new L2Entry(s.file.readBe64(l2 + 8L * j));
                if (e.raw() != 0) {
                    l2Rows.add(new L2Row((long) i * s.l2Size + j, l2, e));
                }
            }
        }
        List<HostClusterRow> hostRows = new ArrayList<>();
        try {
            for (HostClusterUse u : ReferenceCounts.of(s.file).clusters()) {
                hostRows.add(new HostClusterRow(u.cluster(), (int) Math.min(Integer.MAX_VALUE, u.refcount()),
                        (int) Math.min(Integer.MAX_VALUE, u.references()), u.role().label(), u.referencedBy()));
            }
        } catch (ImageFormatException e) {
            // the header itself no longer parses; the L1/L2 rows above still show what the tables say
        }
        return new ImageView(s.clusterSize, s.virtualSize, s.file.length(), l1, l2Rows, hostRows, backing(s));
    }

    /**
     * Which guest clusters a read takes from the backing file: those this image leaves unallocated (no L2
     * table, or an entry with neither a host cluster nor the zero flag) below the backing image's size.
     */
    private static BackingView backing(Qcow2State s) {
        if (s.backing == null || s.backingLink == null) {
            return null;
        }
        long limit = Math.min(s.virtualSize, s.backing.size());
        long clusters = (limit + s.clusterSize - 1) / s.clusterSize;
        List<BackingView.Run> runs = new ArrayList<>();
        long start = -1;
        for (long g = 0; g < clusters; g++) {
            boolean through = readsThrough(s, g);
            if (through && start < 0) {
                start = g;
            } else if (!through && start >= 0) {
                runs.add(new BackingView.Run(start, g - start));
                start = -1;
            }
        }
        if (start >= 0) {
            runs.add(new BackingView.Run(start, clusters - start));
        }
        return new BackingView(s.backingLink.name(), s.backingLink.format(), s.backing.size(), runs);
    }

    private static boolean readsThrough(Qcow2State s, long guestCluster) {
        int i = (int) (guestCluster / s.l2Size);
        long l2 = i < s.l1Size ? s.l1Table.get(i) & L1E_OFFSET_MASK : 0;
        if (l2 == 0) {
            return true;
        }
        L2Entry e = new L2Entry(s.file.readBe64(l2 + 8L * (guestCluster % s.l2Size)));
        return e.type() == ClusterType.UNALLOCATED;
    }
}
