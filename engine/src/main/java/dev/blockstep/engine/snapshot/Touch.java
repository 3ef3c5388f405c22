package dev.blockstep.engine.snapshot;

/**
 * One access of a step to a shared {@link Resource}.
 *
 * @param resource what was accessed
 * @param write    true when the step may have changed it; two reads of one resource commute
 */
public record Touch(Resource resource, boolean write) { }
