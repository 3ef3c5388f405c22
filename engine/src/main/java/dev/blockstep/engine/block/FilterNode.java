package dev.blockstep.engine.block;

/**
 * A filter node a block job inserts into the graph while it runs and removes when it ends: qemu's
 * {@code commit_top} (bdrv_commit_top) and {@code mirror_top} (bdrv_mirror_top). Both have one child, report
 * its data as their own, and pass every request on to it.
 *
 * @param nodeName the node name qemu gives it: the job's {@code filter-node-name}, or an implicit name
 * @param kind     which job's filter it is
 * @param position where in the graph it sits
 */
public record FilterNode(String nodeName, Kind kind, Position position) {

    /** The job a filter belongs to. */
    public enum Kind {
        /** bdrv_commit_top: reads go to its backing child unchanged; the guest never writes through it. */
        COMMIT_TOP,
        /**
         * bdrv_mirror_top ({@link MirrorJob}: blockdev-mirror and active commit): guest requests pass it on their way
         * to the source. It passes zero writes on without MAY_UNMAP, stops discards (it has no BDRV_O_UNMAP), and in
         * copy-mode write-blocking copies each guest write to the target ({@link ActiveMirrorWrite}).
         */
        MIRROR_TOP
    }

    /** Where the filter is inserted, relative to the node whose requests the engine runs. */
    public enum Position {
        /** Between the node and its backing image (an intermediate commit: commit_top above the image committed). */
        ABOVE_BACKING,
        /** Between the BlockBackend and the node (mirror, active commit). */
        ABOVE_NODE
    }
}
