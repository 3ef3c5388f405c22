package dev.blockstep.app.gui.timeline;

/** What a coroutine was doing over a range of steps. A coroutine has at most one open span per kind. */
public enum SpanKind {
    LOCK_HELD,
    DATA_IO,
    WAIT
}
