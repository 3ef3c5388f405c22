package dev.blockstep.engine.block;

import dev.blockstep.trace.qemuio.QemuIoCommand;

/**
 * qemu-nbd's export: nbd_handle_request turns each NBD command into a call on the export's BlockBackend, in the
 * coroutine that received it (nbd_trip). WRITE passes the client's FUA; WRITE_ZEROES passes FUA and adds MAY_UNMAP
 * unless the client set NO_HOLE; TRIM is blk_co_pdiscard, which the node's --discard decides, followed by
 * blk_co_flush when the client set FUA (whatever the discard did); FLUSH is blk_co_flush.
 * The export's BlockBackend is writeback, so FUA comes only from the client.
 *
 * <p>The clients are qemu-io processes on a raw node over NBD: their BlockBackend is writethrough, so every
 * write and write-zeroes carries FUA; a zero write without {@code -u} reaches the NBD client without MAY_UNMAP and
 * is sent with NO_HOLE; a discard is a TRIM without flags, unless the trace says the client set FUA on it (qemu-io
 * never does; an imported log can show it). Receiving the request from the socket is not a step:
 * which coroutine the server runs next is already the scheduler's choice of request coroutine.
 */
public final class NbdServer implements QemuIoTarget {
    /** An NBD request as the server receives it. */
    public record NbdRequest(Type type, long from, long len, boolean fua, boolean noHole) {
    }

    public enum Type { READ, WRITE, WRITE_ZEROES, TRIM, FLUSH }

    private final BlockBackend blk;

    public NbdServer(BlockBackend blk) {
        this.blk = blk;
    }

    /** nbd_handle_request for one request; {@code pattern} is the byte the WRITE payload is filled with. */
    public RequestCoroutine handle(int id, String line, NbdRequest r, int pattern) {
        RequestFlags fua = r.fua() ? RequestFlags.of(RequestFlags.FUA) : RequestFlags.NONE;
        return switch (r.type()) {
            case WRITE -> blk.pwritev(id, line, r.from(), (int) r.len(), pattern, fua);
            case WRITE_ZEROES -> blk.pwriteZeroes(id, line, r.from(), r.len(),
                    r.noHole() ? fua : fua.with(RequestFlags.MAY_UNMAP));
            case TRIM -> r.fua() ? blk.pdiscardThenFlush(id, line, r.from(), r.len())
                    : blk.pdiscard(id, line, r.from(), r.len());
            case READ -> blk.preadv(id, line, r.from(), (int) r.len(), pattern);
            case FLUSH -> blk.flush(id);
        };
    }

    /** What a qemu-io client sends for a command (see the class comment). */
    public static NbdRequest fromClient(QemuIoCommand c) {
        if (c instanceof QemuIoCommand.DataWrite w) {
            return write(w.offset(), w.length(), w.zero(), w.unmap());
        }
        if (c instanceof QemuIoCommand.Discard d) {
            return new NbdRequest(Type.TRIM, d.offset(), d.length(), d.fua(), false);
        }
        if (c instanceof QemuIoCommand.DataRead rd) {
            return new NbdRequest(Type.READ, rd.offset(), rd.length(), false, false);
        }
        return new NbdRequest(Type.FLUSH, 0, 0, false, false);
    }

    private static NbdRequest write(long offset, long length, boolean zero, boolean unmap) {
        return new NbdRequest(zero ? Type.WRITE_ZEROES : Type.WRITE, offset, length, true, zero && !unmap);
    }

    /** A client's write -s: an NBD WRITE (with the client's FUA) whose payload is the file's bytes. */
    @Override
    public RequestCoroutine write(int id, QemuIoCommand.WriteFromFile c, byte[] data) {
        return blk.pwritev(id, c.toLine(), c.offset(), data, RequestFlags.of(RequestFlags.FUA)).quiet(c.quiet());
    }

    @Override
    public RequestCoroutine request(int id, QemuIoCommand c) {
        int pattern = c instanceof QemuIoCommand.DataWrite w ? w.pattern()
                : c instanceof QemuIoCommand.DataRead rd ? rd.pattern().orElse(-1) : 0;
        boolean quiet = c instanceof QemuIoCommand.GuestRange g && g.quiet();
        String line = c instanceof QemuIoCommand.Flush ? "flush" : c.toLine();
        return handle(id, line, fromClient(c), pattern).quiet(quiet);
    }
}
