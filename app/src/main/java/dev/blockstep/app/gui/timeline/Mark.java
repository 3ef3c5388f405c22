package dev.blockstep.app.gui.timeline;

/**
 * A mark at one step, with a short label for the tooltip.
 *
 * @param other the other coroutine involved (the writer whose race window a free lands in), or -1
 */
public record Mark(MarkKind kind, int step, String label, int other) {
}
