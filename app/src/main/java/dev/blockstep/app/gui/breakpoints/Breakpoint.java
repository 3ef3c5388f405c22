package dev.blockstep.app.gui.breakpoints;

import java.util.Objects;

/**
 * One breakpoint. {@code stepName} is only used by {@link BreakpointKind#STEP_NAME} (a phase such as
 * "qcow2_cluster_link_l2"); it is empty for the others. {@code filter} holds the user's conditions;
 * {@code hits} counts how often it stopped a run.
 */
public record Breakpoint(BreakpointKind kind, String stepName, boolean enabled, BreakpointFilter filter, int hits) {

    public Breakpoint {
        Objects.requireNonNull(kind);
        stepName = stepName == null ? "" : stepName;
        filter = filter == null ? BreakpointFilter.ANY : filter;
    }

    public static Breakpoint on(BreakpointKind kind) {
        return new Breakpoint(kind, "", true, BreakpointFilter.ANY, 0);
    }

    public static Breakpoint atStep(String stepName) {
        return new Breakpoint(BreakpointKind.STEP_NAME, stepName, true, BreakpointFilter.ANY, 0);
    }

    public Breakpoint where(BreakpointFilter f) {
        return new Breakpoint(kind, stepName, enabled, f, hits);
    }

    public Breakpoint withEnabled(boolean on) {
        return new Breakpoint(kind, stepName, on, filter, hits);
    }

    Breakpoint hitOnceMore() {
        return new Breakpoint(kind, stepName, enabled, filter, hits + 1);
    }

    /** Two breakpoints are the same place when kind, step name and conditions agree, whatever else. */
    public boolean samePlaceAs(Breakpoint other) {
        return kind == other.kind && stepName.equals(other.stepName) && filter.equals(other.filter);
    }

    public String describe() {
        String what = kind == BreakpointKind.STEP_NAME ? "step " + stepName : kind.label();
        return what + (filter.isEmpty() ? "" : " where " + filter.describe());
    }
}
