package dev.blockstep.engine.snapshot;

import dev.blockstep.engine.qcow2.format.L2Entry;

/** One non-zero L2 entry: which guest cluster, in which L2 table, and its raw value. */
public record L2Row(long guestCluster, long l2TableOffset, L2Entry entry) {
}
