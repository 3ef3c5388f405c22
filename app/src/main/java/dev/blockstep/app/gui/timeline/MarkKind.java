package dev.blockstep.app.gui.timeline;

/** A single-step mark in a swimlane. */
public enum MarkKind {
    STEP,
    LOCK_DROP,
    L2_WRITE,
    REFCOUNT_FREED,
    STDERR,
    FIX_TOGGLED
}
