package dev.blockstep.app.gui.timeline;

/** What a coroutine was doing over a range of steps. A coroutine has at most one open span per kind. */
public enum SpanKind {
    LOCK_HELD,
    DATA_IO,
    WAIT,
    /**
     * The race window: an allocating writer dropped s->lock for its data I/O and has not relinked its L2 entry
     * yet, so a discard or zero write can free the cluster it holds.
     */
    RACE_WINDOW
}
