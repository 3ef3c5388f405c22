package dev.blockstep.engine.qcow2;

import static dev.blockstep.engine.qcow2.format.Qcow2Constants.L1E_OFFSET_MASK;

import dev.blockstep.engine.check.HostClusterUse;
import dev.blockstep.engine.check.ReferenceCounts;
import dev.blockstep.engine.qcow2.format.ImageFormatException;
import dev.blockstep.engine.qcow2.format.L2Entry;
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
        return new ImageView(s.clusterSize, s.virtualSize, s.file.length(), l1, l2Rows, hostRows);
    }
}
