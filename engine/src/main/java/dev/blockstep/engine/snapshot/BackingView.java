package dev.blockstep.engine.snapshot;

import java.util.List;

/**
 * The backing file below an overlay as it matters to a reader: which guest clusters this image leaves
 * unallocated within the backing image's size, so a read of them falls through to the backing file.
 *
 * @param file        the backing file name the header gives
 * @param format      its format ("qcow2" or "raw"; empty when the header names none and it was probed)
 * @param size        the backing image's virtual size in bytes
 * @param readThrough runs of guest clusters read from the backing file, in ascending order
 */
public record BackingView(String file, String format, long size, List<Run> readThrough) {
    public BackingView {
        readThrough = List.copyOf(readThrough);
    }

    /** {@code clusters} guest clusters from {@code first} on. */
    public record Run(long first, long clusters) {
    }

    /** How many guest clusters read through in all. */
    public long clustersReadThrough() {
        return readThrough.stream().mapToLong(Run::clusters).sum();
    }

    /** Whether a read of guest cluster {@code cluster} falls through to the backing file. */
    public boolean readsThrough(long cluster) {
        for (Run r : readThrough) {
            if (cluster >= r.first() && cluster < r.first() + r.clusters()) {
                return true;
            }
        }
        return false;
    }
}
