package dev.blockstep.engine.session;

import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.format.ClusterType;
import dev.blockstep.engine.qcow2.format.Header;
import dev.blockstep.engine.qcow2.format.ImageFormatException;
import dev.blockstep.engine.qcow2.format.L1Entry;
import dev.blockstep.engine.qcow2.format.L2Entry;
import dev.blockstep.engine.qcow2.format.Qcow2Constants;
import dev.blockstep.engine.snapshot.HostClusterRow;
import dev.blockstep.engine.snapshot.ImageView;
import dev.blockstep.engine.snapshot.L2Row;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Reads the qcow2 metadata straight from the host file bytes into an {@link ImageView}: L1 and non-zero L2
 * entries, on-disk refcounts, and references counted the way qemu-img check counts them. It never trusts
 * the driver's in-memory state, so what it shows is what an export would contain.
 */
public final class ImageInspector {
    private ImageInspector() {
    }

    public static ImageView inspect(HostFile f) {
        Header h;
        try {
            h = Header.parse(f.read(0, (int) Math.min(f.length(), 4096)), f.length(), "image");
        } catch (ImageFormatException e) {
            return new ImageView(0, 0, f.length(), List.of(), List.of(), List.of());
        }
        int cs = h.clusterSize();
        long fileClusters = (f.length() + cs - 1) / cs;
        TreeMap<Long, Integer> refs = new TreeMap<>();
        TreeMap<Long, String> roles = new TreeMap<>();
        TreeMap<Long, List<Long>> referencedBy = new TreeMap<>();
        count(refs, roles, 0, cs, cs, "header");
        count(refs, roles, h.l1TableOffset(), (long) h.l1Size() * 8, cs, "L1");
        count(refs, roles, h.refcountTableOffset(), (long) h.refcountTableClusters() * cs, cs, "refcount table");
        List<Long> l1 = new ArrayList<>();
        List<L2Row> l2 = new ArrayList<>();
        int l2Entries = h.l2Entries();
        for (int i = 0; i < h.l1Size(); i++) {
            long raw = f.readBe64(h.l1TableOffset() + 8L * i);
            l1.add(raw);
            long l2Off = new L1Entry(raw).l2Offset();
            if (l2Off == 0) {
                continue;
            }
            count(refs, roles, l2Off, cs, cs, "L2");
            for (int j = 0; j < l2Entries; j++) {
                long e = f.readBe64(l2Off + 8L * j);
                if (e == 0) {
                    continue;
                }
                L2Entry entry = new L2Entry(e);
                long guestCluster = (long) i * l2Entries + j;
                l2.add(new L2Row(guestCluster, l2Off, entry));
                ClusterType t = entry.type();
                if (t == ClusterType.NORMAL || t == ClusterType.ZERO_ALLOC) {
                    long hc = entry.hostOffset() / cs;
                    refs.merge(hc, 1, Integer::sum);
                    roles.putIfAbsent(hc, "data");
                    referencedBy.computeIfAbsent(hc, k -> new ArrayList<>()).add(guestCluster);
                }
            }
        }
        long rtEntries = (long) h.refcountTableClusters() * cs / 8;
        int bits = h.refcountBits();
        long perBlock = (long) cs * 8 / bits;
        long[] blockOffsets = new long[(int) rtEntries];
        for (int i = 0; i < rtEntries; i++) {
            long b = f.readBe64(h.refcountTableOffset() + 8L * i) & Qcow2Constants.REFT_OFFSET_MASK;
            blockOffsets[i] = b;
            if (b != 0) {
                count(refs, roles, b, cs, cs, "refcount block");
            }
        }
        long last = Math.max(fileClusters, refs.isEmpty() ? 0 : refs.lastKey() + 1);
        List<HostClusterRow> rows = new ArrayList<>();
        for (long c = 0; c < last; c++) {
            int rc = refcount(f, blockOffsets, perBlock, bits, c);
            int r = refs.getOrDefault(c, 0);
            rows.add(new HostClusterRow(c, rc, r, roles.getOrDefault(c, rc == 0 && r == 0 ? "free" : "data"),
                    referencedBy.getOrDefault(c, List.of())));
        }
        return new ImageView(cs, h.size(), f.length(), l1, l2, rows);
    }

    private static void count(TreeMap<Long, Integer> refs, TreeMap<Long, String> roles, long off, long len, int cs,
                              String role) {
        if (len <= 0) {
            return;
        }
        for (long c = off / cs; c <= (off + len - 1) / cs; c++) {
            refs.merge(c, 1, Integer::sum);
            roles.putIfAbsent(c, role);
        }
    }

    private static int refcount(HostFile f, long[] blocks, long perBlock, int bits, long cluster) {
        long bi = cluster / perBlock;
        if (bi >= blocks.length || blocks[(int) bi] == 0) {
            return 0;
        }
        long idx = cluster % perBlock;
        long bitOff = idx * bits;
        long byteOff = blocks[(int) bi] + bitOff / 8;
        if (bits >= 8) {
            int n = bits / 8;
            long v = 0;
            byte[] b = f.read(byteOff, n);
            for (byte x : b) {
                v = (v << 8) | (x & 0xff);
            }
            return (int) Math.min(v, Integer.MAX_VALUE);
        }
        int b = f.read(byteOff, 1)[0] & 0xff;
        int shift = (int) (bitOff % 8);
        return (b >>> shift) & ((1 << bits) - 1);
    }
}
