package dev.blockstep.engine.check;

/** What a host cluster holds, as the check's reference walk first met it. */
public enum ClusterRole {
    HEADER("header"),
    L1("L1"),
    L2("L2"),
    DATA("data"),
    REFCOUNT_TABLE("refcount table"),
    REFCOUNT_BLOCK("refcount block"),
    /** Nothing references the cluster (its refcount may still be non-zero: a leak). */
    FREE("free");

    private final String label;

    ClusterRole(String label) {
        this.label = label;
    }

    /** The name used in snapshot rows and the GUI. */
    public String label() {
        return label;
    }
}
