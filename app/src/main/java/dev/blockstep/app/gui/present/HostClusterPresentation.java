package dev.blockstep.app.gui.present;

import dev.blockstep.app.gui.Styles;
import dev.blockstep.engine.snapshot.HostClusterRow;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Collectors;
import javafx.css.PseudoClass;

/** How one host cluster is shown in the refcount map: colour by refcount, flags for the corruption. */
public record HostClusterPresentation(String text, String tooltip, String refcountClass, String roleClass,
                                      Set<PseudoClass> states) {

    public static HostClusterPresentation of(HostClusterRow row, int clusterSize, boolean changed) {
        Set<PseudoClass> states = new LinkedHashSet<>();
        if (changed) {
            states.add(Styles.CHANGED);
        }
        if (row.aliased()) {
            states.add(Styles.ALIASED);
        }
        if (row.underCounted()) {
            states.add(Styles.UNDER_COUNTED);
        }
        if (row.leaked()) {
            states.add(Styles.LEAKED);
        }
        if (row.refcount() == 0 && row.references() > 0) {
            states.add(Styles.FREED);
        }
        String rc = row.refcount() >= 2 ? "rc-many" : "rc-" + row.refcount();
        StringBuilder tip = new StringBuilder()
                .append("host cluster ").append(row.hostCluster())
                .append(" at ").append(Hex.of(row.hostCluster() * clusterSize)).append('\n')
                .append("role ").append(row.role()).append('\n')
                .append("refcount=").append(row.refcount()).append(" reference=").append(row.references());
        if (!row.referencedBy().isEmpty()) {
            tip.append("\nL2 entries of guest clusters ")
                    .append(row.referencedBy().stream().map(String::valueOf).collect(Collectors.joining(", ")));
        }
        if (row.underCounted()) {
            tip.append("\nERROR: fewer refcounts than references (qemu-img check: ERROR cluster ")
                    .append(row.hostCluster()).append(')');
        } else if (row.leaked()) {
            tip.append("\nleaked: refcount above references");
        }
        if (row.aliased()) {
            tip.append("\nALIASED: ").append(row.referencedBy().size()).append(" L2 entries share it");
        }
        String text = Long.toString(row.hostCluster()) + "\n" + row.refcount() + "/" + row.references();
        return new HostClusterPresentation(text, tip.toString(), rc,
                "role-" + row.role().replace(' ', '-').replace("->", ""), Set.copyOf(states));
    }
}
