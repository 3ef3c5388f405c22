package dev.blockstep.app.gui.timeline;

/**
 * Steps {@code from} (inclusive) to {@code to} (exclusive) of one coroutine; {@code to == OPEN} while the
 * span has not ended yet.
 */
public record Span(SpanKind kind, int from, int to) {
    public static final int OPEN = Integer.MAX_VALUE;

    public boolean isOpen() {
        return to == OPEN;
    }

    Span closedAt(int end) {
        return new Span(kind, from, end);
    }
}
