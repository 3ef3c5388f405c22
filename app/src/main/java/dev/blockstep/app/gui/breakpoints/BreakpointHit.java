package dev.blockstep.app.gui.breakpoints;

/** Which breakpoint stopped a run, and why in one line. */
public record BreakpointHit(Breakpoint breakpoint, int step, String reason) {
}
