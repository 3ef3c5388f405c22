package dev.blockstep.engine.block;

/** BDRV_TRACKED_*. */
public enum TrackedRequestType {
    READ, WRITE, DISCARD, TRUNCATE
}
