package dev.blockstep.app.gui.breakpoints;

import java.util.Objects;

/**
 * One breakpoint. {@code stepName} is only used by {@link BreakpointKind#STEP_NAME} (a phase such as
 * "qcow2_cluster_link_l2"); it is empty for the others.
 */
public record Breakpoint(BreakpointKind kind, String stepName, boolean enabled) {

    public Breakpoint {
        Objects.requireNonNull(kind);
        stepName = stepName == null ? "" : stepName;
    }

    public static Breakpoint on(BreakpointKind kind) {
        return new Breakpoint(kind, "", true);
    }

    public static Breakpoint atStep(String stepName) {
        return new Breakpoint(BreakpointKind.STEP_NAME, stepName, true);
    }

    public Breakpoint withEnabled(boolean on) {
        return new Breakpoint(kind, stepName, on);
    }

    /** Two breakpoints are the same place when kind and step name agree, whatever their enablement. */
    public boolean samePlaceAs(Breakpoint other) {
        return kind == other.kind && stepName.equals(other.stepName);
    }

    public String describe() {
        return kind == BreakpointKind.STEP_NAME ? "step " + stepName : kind.label();
    }
}
