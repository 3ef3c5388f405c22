package dev.blockstep.engine.block;

import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.trace.NodeOptions;
import dev.blockstep.trace.NodeOptions.Cache;
import dev.blockstep.trace.NodeOptions.Discard;
import dev.blockstep.trace.NodeOptions.DetectZeroes;
import dev.blockstep.trace.WorkloadProducer;
import dev.blockstep.trace.WorkloadProducer.Tool;

/**
 * What sits above the qcow2 node, as the workload's producer builds it, with each tool's own defaults where the
 * trace states no option: qemu-io opens its BlockBackend with BDRV_O_UNMAP and writethrough cache (qemu-io.c);
 * a {@code -drive} defaults to discard=ignore and cache=writeback (blockdev.c); qemu-nbd to --discard=ignore and a
 * writeback export ("client will flush as needed", qemu-nbd.c), its clients being qemu-io processes whose own
 * writethrough cache sends FUA.
 *
 * @param producer the producer as the trace states it, or null: qemu-io
 * @param options  the node's options as the trace states them, or null: every option takes the tool's default
 */
public record BlockStack(WorkloadProducer producer, NodeOptions options) {

    private static final NodeOptions DEFAULTS = new NodeOptions(null, null, null);

    /** qemu-io on its own BlockBackend with every default: what version-1 traces describe. */
    public static final BlockStack QEMU_IO = new BlockStack(null, null);

    /** @throws IllegalArgumentException for detect-zeroes=unmap without discard=unmap, which qemu refuses too */
    public BlockStack {
        NodeOptions o = options == null ? DEFAULTS : options;
        Tool t = producer == null ? Tool.QEMU_IO : producer.tool();
        if (detectZeroes(o) == DetectZeroes.UNMAP && !unmap(t, o)) {
            throw new IllegalArgumentException("setting detect-zeroes to unmap is not allowed without setting "
                    + "discard operation to unmap");
        }
    }

    /** The stack a trace's producer and node options name (either may be null: qemu-io, defaults). */
    public static BlockStack of(WorkloadProducer producer, NodeOptions options) {
        return new BlockStack(producer, options);
    }

    public Tool tool() {
        return producer == null ? Tool.QEMU_IO : producer.tool();
    }

    private NodeOptions stated() {
        return options == null ? DEFAULTS : options;
    }

    /** BDRV_O_UNMAP on the qcow2 node. */
    public boolean unmap() {
        return unmap(tool(), stated());
    }

    private static boolean unmap(Tool tool, NodeOptions o) {
        return o.discard() != null ? o.discard() == Discard.UNMAP : tool == Tool.QEMU_IO;
    }

    public DetectZeroes detectZeroes() {
        return detectZeroes(stated());
    }

    private static DetectZeroes detectZeroes(NodeOptions o) {
        return o.detectZeroes() == null ? DetectZeroes.OFF : o.detectZeroes();
    }

    /** Whether the BlockBackend the requests enter has its write cache off, so that it adds FUA to every write. */
    public boolean writethrough() {
        Cache c = stated().cache();
        if (c == null) {
            return tool() == Tool.QEMU_IO;
        }
        return c == Cache.WRITETHROUGH || c == Cache.DIRECTSYNC;
    }

    /** BDRV_O_NO_FLUSH: cache=unsafe. */
    public boolean noFlush() {
        return stated().cache() == Cache.UNSAFE;
    }

    /** The qcow2 node with this stack's open flags. */
    public BlockNode node(FixVariant fix) {
        return new BlockNode(fix, unmap(), detectZeroes()).noFlush(noFlush());
    }

    /** What qemu-io's commands go through: the BlockBackend itself, or an NBD export of it. */
    public QemuIoTarget target(BlockNode node) {
        BlockBackend blk = new BlockBackend(node, writethrough());
        return tool() == Tool.QEMU_NBD ? new NbdServer(blk) : blk;
    }
}
