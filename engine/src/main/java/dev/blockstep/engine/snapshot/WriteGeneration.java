package dev.blockstep.engine.snapshot;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code long} or {@code long[]} field holding a node's write_gen or a value read from it (flushed_gen, a
 * flush's current_gen). Steps do only three things with these: add one to the counter, copy a value, and compare
 * two values for equality. Every stored value is at most the counter and the counter only grows, so a state's
 * future depends on which of these values are equal, not on the numbers: the explorer's state digest hashes that
 * equality pattern, and two schedules that wrote different numbers of blocks before the same flush meet again.
 * A field that is ever compared by order or with a constant must not carry this.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface WriteGeneration {
}
