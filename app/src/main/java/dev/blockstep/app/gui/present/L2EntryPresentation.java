package dev.blockstep.app.gui.present;

import dev.blockstep.app.gui.Styles;
import dev.blockstep.engine.qcow2.format.ClusterType;
import dev.blockstep.engine.qcow2.format.L2Entry;
import dev.blockstep.engine.snapshot.L2Row;
import java.util.LinkedHashSet;
import java.util.Set;
import javafx.css.PseudoClass;

/**
 * How an L2 entry is shown: the same decision in the grid, a tooltip and a diff. {@code aliased} means the
 * host cluster it names is named by another entry too; {@code changed} means the last step wrote it.
 */
public record L2EntryPresentation(String text, String flags, String tooltip, Set<PseudoClass> states) {

    public static L2EntryPresentation of(L2Row row, int clusterSize, boolean changed, boolean aliased,
                                         int hostRefcount) {
        L2Entry e = row.entry();
        ClusterType type = e.type();
        String flags = (e.copied() ? "C" : "") + (e.zero() ? "Z" : "") + (type.isAllocated() ? "A" : "");
        String text = switch (type) {
            case UNALLOCATED -> "-";
            case ZERO_PLAIN -> "zero";
            case COMPRESSED -> "compr";
            default -> Hex.of(e.hostOffset());
        };
        StringBuilder tip = new StringBuilder()
                .append("guest cluster ").append(row.guestCluster())
                .append(" (guest ").append(Hex.of(row.guestCluster() * clusterSize)).append(")\n")
                .append("L2 table at ").append(Hex.of(row.l2TableOffset())).append('\n')
                .append("raw ").append(Hex.raw64(e.raw())).append('\n')
                .append("type ").append(type)
                .append(e.copied() ? ", COPIED" : "")
                .append(e.zero() ? ", ZERO" : "");
        if (type.isAllocated() && type != ClusterType.COMPRESSED) {
            tip.append("\nhost ").append(Hex.of(e.hostOffset()))
                    .append(" (cluster ").append(e.hostOffset() / clusterSize).append(", refcount ")
                    .append(hostRefcount < 0 ? "?" : Integer.toString(hostRefcount)).append(')');
        }
        if (aliased) {
            tip.append("\nALIASED: another L2 entry names the same host cluster");
        }
        if (e.hasReservedBits()) {
            tip.append("\nreserved bits set");
        }
        Set<PseudoClass> states = new LinkedHashSet<>();
        if (changed) {
            states.add(Styles.CHANGED);
        }
        if (aliased) {
            states.add(Styles.ALIASED);
        }
        if (type.isAllocated() && hostRefcount == 0) {
            states.add(Styles.FREED);
        }
        if (type == ClusterType.ZERO_PLAIN || type == ClusterType.ZERO_ALLOC) {
            states.add(Styles.READS_ZERO);
        }
        return new L2EntryPresentation(text, flags, tip.toString(), Set.copyOf(states));
    }
}
