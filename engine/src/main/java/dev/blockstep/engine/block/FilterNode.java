package dev.blockstep.engine.block;

/**
 * A filter node a block job inserts into the graph while it runs and removes when it ends: qemu's
 * {@code commit_top} (bdrv_commit_top), {@code mirror_top} (bdrv_mirror_top) and the stream's {@code copy-on-read}
 * filter (block/copy-on-read.c). Each has one child, reports its data as its own, and passes requests on to it
 * with the flag handling its kind describes.
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
        MIRROR_TOP,
        /**
         * block-stream's copy-on-read filter ({@link StreamJob}): stream_start inserts it above the node with
         * BDRV_O_RDWR only, so a guest discard stops there (bdrv_co_pdiscard returns 0 on a node without
         * BDRV_O_UNMAP) while zero writes pass with their flags, MAY_UNMAP included (the node below keeps its own
         * BDRV_O_UNMAP). Guest reads through it would copy unallocated data up; blockstep's guest reads do not.
         */
        COPY_ON_READ
    }

    /** Where the filter is inserted, relative to the node whose requests the engine runs. */
    public enum Position {
        /** Between the node and its backing image (an intermediate commit: commit_top above the image committed). */
        ABOVE_BACKING,
        /** Between the BlockBackend and the node (mirror, active commit). */
        ABOVE_NODE
    }
}
