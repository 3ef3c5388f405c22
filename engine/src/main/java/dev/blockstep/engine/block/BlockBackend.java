package dev.blockstep.engine.block;

import dev.blockstep.trace.qemuio.QemuIoCommand;

/**
 * The BlockBackend above the qcow2 node: each blk_co_* call becomes its request coroutine on the node. Its write
 * cache setting decides FUA: with the cache off (writethrough) blk_co_do_pwritev_part adds BDRV_REQ_FUA to every
 * write, zero writes included. A zero write goes straight to bdrv_co_pwritev_part with BDRV_REQ_ZERO_WRITE and
 * never through bdrv_co_pwrite_zeroes, so the node's BDRV_O_UNMAP does not strip MAY_UNMAP: discard=ignore does
 * not stop a zero write from unmapping. A discard does reach bdrv_co_pdiscard's BDRV_O_UNMAP check.
 */
public final class BlockBackend implements QemuIoTarget {
    private final BlockNode node;
    private boolean writethrough;

    public BlockBackend(BlockNode node, boolean writethrough) {
        this.node = node;
        this.writethrough = writethrough;
    }

    public boolean writethrough() {
        return writethrough;
    }

    /** blk_set_enable_write_cache, as qemu-io's reopen -c does: requests issued from now on follow it. */
    public void writethrough(boolean on) {
        this.writethrough = on;
    }

    /** blk_co_pwritev_part of a buffer filled with {@code pattern}. */
    public WriteRequest pwritev(int id, String line, long offset, int bytes, int pattern, RequestFlags flags) {
        WriteRequest w = new WriteRequest(id, "W" + id, node, line, offset, bytes, pattern, cache(flags));
        MirrorState m = node.writeBlockingMirror();
        if (m != null) {
            w.throughMirrorTop(new ActiveMirrorWrite(m, offset, bytes, pattern & 0xff));
        }
        return w;
    }

    /** blk_co_pwritev_part of {@code data}: qemu-io's write -s, its buffer read from a file. */
    public WriteRequest pwritev(int id, String line, long offset, byte[] data, RequestFlags flags) {
        WriteRequest w = new WriteRequest(id, "W" + id, node, line, offset, data, cache(flags));
        MirrorState m = node.writeBlockingMirror();
        if (m != null) {
            w.throughMirrorTop(new ActiveMirrorWrite(m, offset, data));
        }
        return w;
    }

    @Override
    public RequestCoroutine write(int id, QemuIoCommand.WriteFromFile c, byte[] data) {
        return pwritev(id, c.toLine(), c.offset(), data, RequestFlags.NONE).quiet(c.quiet()).parsable(c.parsable());
    }

    /** blk_pwrite_compressed of a buffer filled with {@code pattern}. */
    public CompressedWriteRequest pwriteCompressed(int id, String line, long offset, long bytes, int pattern) {
        return new CompressedWriteRequest(id, "W" + id, node, line, offset, bytes, pattern, cache(RequestFlags.NONE));
    }

    /** blk_co_pwrite of {@code data} with BDRV_REQ_WRITE_COMPRESSED (qemu-img convert -c). */
    public CompressedWriteRequest pwriteCompressed(int id, String line, long offset, byte[] data) {
        return new CompressedWriteRequest(id, "W" + id, node, line, offset, data, cache(RequestFlags.NONE));
    }

    /**
     * blk_co_pwrite_zeroes: BDRV_REQ_ZERO_WRITE plus the caller's MAY_UNMAP and FUA. While a mirror_top filter
     * sits above the node, bdrv_co_do_pwrite_zeroes passes it only the flags it supports (not MAY_UNMAP) and it
     * forwards the zero write to the node with bdrv_co_pwrite_zeroes: the node sees ZERO_WRITE alone.
     */
    public ZeroWriteRequest pwriteZeroes(int id, String line, long offset, long bytes, RequestFlags flags) {
        RequestFlags f = node.hasFilter(FilterNode.Kind.MIRROR_TOP) ? flags.without(RequestFlags.MAY_UNMAP) : flags;
        ZeroWriteRequest z = new ZeroWriteRequest(id, "Z" + id, node, line, offset, bytes,
                cache(f.with(RequestFlags.ZERO_WRITE)));
        MirrorState m = node.writeBlockingMirror();
        if (m != null) {
            z.throughMirrorTop(new ActiveMirrorWrite(m, offset, bytes, -1));
        }
        return z;
    }

    /**
     * blk_co_pdiscard. A mirror_top or copy-on-read filter above the node is opened without BDRV_O_UNMAP, so
     * bdrv_co_pdiscard on it returns 0 before the node sees anything.
     */
    public DiscardRequest pdiscard(int id, String line, long offset, long bytes) {
        FilterNode dropping = node.filters().stream().filter(f -> f.kind() == FilterNode.Kind.MIRROR_TOP
                || f.kind() == FilterNode.Kind.COPY_ON_READ).findFirst().orElse(null);
        return dropping != null
                ? DiscardRequest.droppedByFilter(id, "D" + id, node, line, offset, bytes, dropping)
                : new DiscardRequest(id, "D" + id, node, line, offset, bytes);
    }

    /** blk_co_pdiscard and then blk_co_flush, in one coroutine: what the NBD server does for a TRIM with FUA. */
    public DiscardRequest pdiscardThenFlush(int id, String line, long offset, long bytes) {
        return new DiscardRequest(id, "D" + id, node, line, offset, bytes, RequestFlags.of(RequestFlags.FUA));
    }

    /** blk_co_preadv, checking the data against {@code pattern} unless it is -1. */
    public ReadRequest preadv(int id, String line, long offset, int bytes, int pattern) {
        ReadRequest r = new ReadRequest(id, "R" + id, node, line, offset, bytes, pattern);
        return node.copyOnRead() ? r.copyOnRead() : r;
    }

    /** blk_co_flush. */
    public FlushRequest flush(int id) {
        return new FlushRequest(id, "F" + id, node);
    }

    private RequestFlags cache(RequestFlags flags) {
        return writethrough ? flags.with(RequestFlags.FUA) : flags;
    }

    /** qemu-io's command functions on its own BlockBackend (qemu-io IMAGE, or HMP qemu-io on a drive). */
    @Override
    public RequestCoroutine request(int id, QemuIoCommand c) {
        if (c instanceof QemuIoCommand.Truncate t) {
            return new TruncateRequest(id, "T" + id, node, t.toLine(), t.offset(), t.prealloc());
        }
        if (c instanceof QemuIoCommand.SaveVmstate w) {
            return new VmstateWriteRequest(id, "W" + id, node, w.toLine(), w.offset(), w.length(), w.pattern(),
                    cache(RequestFlags.NONE)).quiet(w.quiet()).parsable(w.parsable());
        }
        if (c instanceof QemuIoCommand.LoadVmstate rd) {
            return preadv(id, rd.toLine(), rd.offset(), (int) rd.length(), rd.pattern().orElse(-1))
                    .checking(rd.checkOffset(), rd.checkLength(), rd.verbose()).vmstate(node.driver().vmStateOffset())
                    .quiet(rd.quiet()).parsable(rd.parsable());
        }
        if (c instanceof QemuIoCommand.WriteCompressed w) {
            return pwriteCompressed(id, w.toLine(), w.offset(), w.length(), w.pattern()).quiet(w.quiet())
                    .parsable(w.parsable());
        }
        if (c instanceof QemuIoCommand.DataWrite w) {
            return write(id, w.toLine(), w.offset(), w.length(), w.pattern(), w.zero(), w.unmap(), w.noFallback())
                    .quiet(w.quiet()).parsable(w.parsable());
        }
        if (c instanceof QemuIoCommand.Discard d) {
            return pdiscard(id, d.toLine(), d.offset(), d.length()).quiet(d.quiet()).parsable(d.parsable());
        }
        if (c instanceof QemuIoCommand.DataRead rd) {
            return preadv(id, rd.toLine(), rd.offset(), (int) rd.length(), rd.pattern().orElse(-1))
                    .checking(rd.checkOffset(), rd.checkLength(), rd.verbose()).quiet(rd.quiet())
                    .parsable(rd.parsable());
        }
        return flush(id);
    }

    private RequestCoroutine write(int id, String line, long offset, long length, int pattern, boolean zero,
                                   boolean unmap, boolean noFallback) {
        if (!zero) {
            return pwritev(id, line, offset, (int) length, pattern, RequestFlags.NONE);
        }
        RequestFlags f = unmap ? RequestFlags.of(RequestFlags.MAY_UNMAP) : RequestFlags.NONE;
        return pwriteZeroes(id, line, offset, length, noFallback ? f.with(RequestFlags.NO_FALLBACK) : f);
    }
}
