package dev.blockstep.trace;

import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Expected state after {@code step} steps (0 = before the first step), so a replay can prove it matches.
 *
 * @param imageSha256 SHA-256 (lower-case hex) of the qcow2 file bytes as export would write them, or null
 * @param l2          guest cluster index to raw 64-bit L2 entry, for the entries the recorder chose to keep
 * @param refcounts   host cluster index to refcount
 */
public record Checkpoint(long step, String imageSha256, SortedMap<Long, Long> l2, SortedMap<Long, Integer> refcounts) {
    public Checkpoint {
        l2 = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(l2));
        refcounts = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(refcounts));
    }
}
