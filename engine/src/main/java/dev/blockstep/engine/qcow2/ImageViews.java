package dev.blockstep.engine.qcow2;

import static dev.blockstep.engine.qcow2.format.Qcow2Constants.L1E_OFFSET_MASK;
import static dev.blockstep.engine.qcow2.format.Qcow2Constants.REFT_OFFSET_MASK;

import dev.blockstep.engine.qcow2.format.ClusterType;
import dev.blockstep.engine.qcow2.format.L2Entry;
import dev.blockstep.engine.snapshot.HostClusterRow;
import dev.blockstep.engine.snapshot.ImageView;
import dev.blockstep.engine.snapshot.L2Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the {@link ImageView} of an open image: L1, the non-zero L2 rows, and every host cluster that has
 * a refcount or a reference, with its role and the guest clusters pointing at it.
 *
 * <p>References are counted over the active metadata the way qemu-img check counts them (header, L1,
 * L2 tables, NORMAL/ZERO_ALLOC data clusters, refcount table and blocks); compressed ranges count every
 * cluster they touch.
 */
final class ImageViews {
    private ImageViews() {
    }

    private static final class Row {
        int references;
        String role = "free";
        final List<Long> referencedBy = new ArrayList<>();
    }

    static ImageView of(Qcow2State s) {
        Map<Long, Row> rows = new TreeMap<>();
        Refcounts refcounts = new Refcounts(s);
        ref(rows, s, 0, s.clusterSize, "header");
        ref(rows, s, s.l1TableOffset, 8L * s.l1Size, "L1");
        ref(rows, s, s.refcountTableOffset, 8L * s.refcountTableSize, "refcount table");
        for (int i = 0; i < s.refcountTableSize; i++) {
            long block = s.refcountTable[i] & REFT_OFFSET_MASK;
            if (block != 0) {
                ref(rows, s, block, s.clusterSize, "refcount block");
            }
        }
        List<Long> l1 = new ArrayList<>();
        List<L2Row> l2Rows = new ArrayList<>();
        for (int i = 0; i < s.l1Size; i++) {
            l1.add(s.l1Table[i]);
            long l2 = s.l1Table[i] & L1E_OFFSET_MASK;
            if (l2 == 0) {
                continue;
            }
            ref(rows, s, l2, s.clusterSize, "L2");
            for (int j = 0; j < s.l2Size; j++) {
                L2Entry e = new L2Entry(s.file.readBe64(l2 + 8L * j));
                if (e.raw() == 0) {
                    continue;
                }
                long guestCluster = (long) i * s.l2Size + j;
                l2Rows.add(new L2Row(guestCluster, l2, e));
                ClusterType t = e.type();
                if (t == ClusterType.NORMAL || t == ClusterType.ZERO_ALLOC) {
                    Row r = ref(rows, s, e.hostOffset(), s.clusterSize, "data");
                    r.referencedBy.add(guestCluster);
                }
            }
        }
        long fileClusters = (s.file.length() + s.clusterSize - 1) >>> s.clusterBits;
        for (long c = 0; c < fileClusters; c++) {
            if (refcounts.getRefcount(c) != 0) {
                rows.computeIfAbsent(c, k -> new Row());
            }
        }
        List<HostClusterRow> hostRows = new ArrayList<>();
        for (Map.Entry<Long, Row> e : rows.entrySet()) {
            Row r = e.getValue();
            hostRows.add(new HostClusterRow(e.getKey(), (int) refcounts.getRefcount(e.getKey()), r.references, r.role,
                    r.referencedBy));
        }
        return new ImageView(s.clusterSize, s.virtualSize, s.file.length(), l1, l2Rows, hostRows);
    }

    private static Row ref(Map<Long, Row> rows, Qcow2State s, long offset, long bytes, String role) {
        Row first = null;
        if (bytes <= 0) {
            return new Row();
        }
        for (long c = offset >>> s.clusterBits; c <= (offset + bytes - 1) >>> s.clusterBits; c++) {
            Row r = rows.computeIfAbsent(c, k -> new Row());
            r.references++;
            if (r.role.equals("free")) {
                r.role = role;
            }
            if (first == null) {
                first = r;
            }
        }
        return first;
    }
}
