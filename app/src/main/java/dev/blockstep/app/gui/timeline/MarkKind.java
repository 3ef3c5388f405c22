package dev.blockstep.app.gui.timeline;

/** A single-step mark in a swimlane. */
public enum MarkKind {
    STEP,
    LOCK_DROP,
    L2_WRITE,
    REFCOUNT_FREED,
    /** A free of a host cluster that a writer holds in its race window (on both lanes). */
    RACE_FREE,
    STDERR,
    FIX_TOGGLED
}
