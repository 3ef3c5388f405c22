package dev.blockstep.app.gui.timeline;

/** A mark at one step, with a short label for the tooltip. */
public record Mark(MarkKind kind, int step, String label) {
}
