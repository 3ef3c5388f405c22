package dev.blockstep.trace;

import java.util.List;

/** The image a workload starts from. */
public sealed interface ImageSetup {

    /**
     * Serial commands run in a separate session before the workload (so, as in qemu, free_cluster_index
     * starts again from 0 when the workload's session opens). Setup commands carry no coroutine names.
     */
    List<Command> setup();

    /** The image below this one in the chain (format version 3), or null when it has no backing file. */
    BackingLayer backing();

    /**
     * A new image as {@code qemu-img create -f qcow2 -o cluster_size=C IMG SIZE} makes it, with {@code -b NAME
     * -F FORMAT} when it has a backing layer.
     */
    record Fresh(long virtualSize, int clusterSize, List<Command> setup, BackingLayer backing) implements ImageSetup {
        public Fresh {
            setup = List.copyOf(setup);
        }

        public Fresh(long virtualSize, int clusterSize, List<Command> setup) {
            this(virtualSize, clusterSize, setup, null);
        }
    }

    /**
     * A qcow2 file stored next to the trace file. {@code path} is relative to the trace's directory and may
     * not leave it; {@code sha256} (lower-case hex, optional) lets a replay refuse a different file.
     */
    record Base(String path, String sha256, List<Command> setup, BackingLayer backing) implements ImageSetup {
        public Base {
            setup = List.copyOf(setup);
        }

        public Base(String path, String sha256, List<Command> setup) {
            this(path, sha256, setup, null);
        }
    }
}
