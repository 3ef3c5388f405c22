package dev.blockstep.app.gui.panels;

import dev.blockstep.app.gui.present.Hex;
import dev.blockstep.engine.snapshot.ClusterAllocView;
import dev.blockstep.engine.snapshot.CoroutineView;
import dev.blockstep.engine.snapshot.HostClusterRow;
import dev.blockstep.engine.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** What the refcount map shows, read from a snapshot: the host clusters, who holds each, and the flagged ones. */
final class RefcountCells {

    private RefcountCells() {
    }

    /** An in-flight allocation (a cluster_allocs entry) and the name of the writer that owns it. */
    record Held(String writer, ClusterAllocView alloc) {
        String describe() {
            return writer + "'s in-flight write (guest " + Hex.of(alloc.guestOffset()) + " → host "
                    + Hex.of(alloc.hostOffset()) + ", " + alloc.bytes() + " bytes" + (alloc.cow() ? ", COW pending" : "")
                    + (alloc.keepOld() ? ", keep_old" : "") + ")";
        }
    }

    /** A host cluster shown in the map: its row (null when the image no longer counts it) and who holds it. */
    record Cell(long cluster, HostClusterRow row, Held held) {
        String heldBy() {
            return held == null ? null : held.writer();
        }

        boolean freedUnderWriter() {
            return held != null && (row == null || row.refcount() == 0);
        }
    }

    /**
     * Host clusters of the allocations in cluster_allocs (decided, not yet linked), with the allocation that holds
     * each, read from the snapshot.
     */
    static Map<Long, Held> inFlight(Snapshot s, int clusterSize) {
        Map<Integer, String> names = new HashMap<>();
        for (CoroutineView c : s.coroutines()) {
            names.put(c.id(), c.name());
        }
        Map<Long, Held> held = new TreeMap<>();
        for (ClusterAllocView a : s.clusterAllocs()) {
            Held h = new Held(names.getOrDefault(a.coroutine(), "co " + a.coroutine()), a);
            for (long off = a.hostOffset(); off < a.hostOffset() + a.bytes(); off += clusterSize) {
                held.putIfAbsent(off / clusterSize, h);
            }
        }
        return held;
    }

    static List<Cell> cells(List<HostClusterRow> hosts, Map<Long, Held> held) {
        TreeMap<Long, Cell> all = new TreeMap<>();
        for (HostClusterRow r : hosts) {
            all.put(r.hostCluster(), new Cell(r.hostCluster(), r, held.get(r.hostCluster())));
        }
        held.forEach((cluster, who) -> all.putIfAbsent(cluster, new Cell(cluster, null, who)));
        return new ArrayList<>(all.values());
    }

    /** qemu-img check's words for each problem cluster, with who points at it; a freed held cluster first. */
    static List<String> flagLines(List<HostClusterRow> hosts, List<Cell> cells) {
        List<String> out = new ArrayList<>();
        for (HostClusterRow r : hosts) {
            String who = r.referencedBy().isEmpty() ? "" : " (guest "
                    + r.referencedBy().stream().map(String::valueOf).collect(Collectors.joining(", ")) + ")";
            if (r.underCounted()) {
                out.add("ERROR cluster " + r.hostCluster() + " refcount=" + r.refcount() + " reference="
                        + r.references() + who + (r.aliased() ? ", aliased" : ""));
            } else if (r.leaked()) {
                out.add("Leaked cluster " + r.hostCluster() + " refcount=" + r.refcount() + " reference="
                        + r.references());
            } else if (r.aliased()) {
                out.add("Aliased cluster " + r.hostCluster() + " refcount=" + r.refcount() + " reference="
                        + r.references() + who);
            }
        }
        for (Cell c : cells) {
            if (c.freedUnderWriter()) {
                out.add(0, "FREED host cluster " + c.cluster() + " while " + c.heldBy()
                        + " still holds it for an in-flight write");
            }
        }
        return out;
    }
}
