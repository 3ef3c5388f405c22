package dev.blockstep.engine.qcow2;

import java.util.ArrayList;
import java.util.List;

/**
 * Whole guest requests run serially, each to completion: the generic block layer's part (range check
 * against the disk size, the write-zeroes and discard splitting, the -ENOTSUP fallback to a real write of
 * zeros) around the driver's atomic operations, in qemu's order. This is what `blockstep io` and the
 * differential tests use; the coroutine engine runs the same operations interleaved.
 */
public final class SerialRequests {
    /** qemu's MAX_BOUNCE_BUFFER: the largest fallback write of zeros at once. */
    private static final long MAX_BOUNCE_BUFFER = 32768L * 512;

    private final Qcow2Driver d;
    private final int co;

    public SerialRequests(Qcow2Driver driver, int coroutine) {
        this.d = driver;
        this.co = coroutine;
    }

    private void checkRange(long offset, long bytes) {
        if (d.detached()) {
            throw new Qcow2Error(Qcow2Error.ENOMEDIUM, "the driver was detached after a fatal corruption");
        }
        long len = d.size();
        if (offset < 0 || bytes < 0 || offset > len || len - offset < bytes) {
            throw new Qcow2Error(Qcow2Error.EIO, "request 0x" + Long.toHexString(offset) + "+" + bytes
                    + " is beyond the end of the disk");
        }
    }

    /** blk_co_pwritev with a data buffer (writethrough: the FUA flush follows). */
    public void write(long offset, byte[] data) {
        checkRange(offset, data.length);
        pwritev(offset, data, 0, data.length);
        d.flushToOs(co);
    }

    /** qcow2_co_pwritev_part run serially: every chunk is allocated, written and linked in turn. */
    private void pwritev(long offset, byte[] data, int dataOff, long bytes) {
        while (bytes > 0) {
            AllocResult r = d.allocHostOffset(co, offset, bytes);
            if (!(r instanceof AllocResult.Allocated a)) {
                throw new IllegalStateException("a serial write cannot depend on another allocation: " + r);
            }
            int cur = (int) a.bytes();
            try {
                d.preWriteOverlapCheck(co, a.hostOffset(), cur);
                d.handleAllocSpace(co, a.metas());
                L2Meta merged = d.mergeCow(a.metas(), offset, cur);
                if (merged == null) {
                    d.writeData(co, a.hostOffset(), data, dataOff, cur);
                }
                List<L2Meta> pending = new ArrayList<>(a.metas());
                while (!pending.isEmpty()) {
                    L2Meta m = pending.get(0);
                    if (d.needsCow(m)) {
                        d.performCowIo(co, m, m == merged ? data : null, dataOff, cur);
                    }
                    d.linkL2(co, m);
                    pending.remove(0);
                }
            } catch (Qcow2Error e) {
                for (L2Meta m : d.clusterAllocs()) {
                    if (m.coroutine == co) {
                        d.abortL2Meta(co, m);
                    }
                }
                throw e;
            }
            offset += cur;
            dataOff += cur;
            bytes -= cur;
        }
    }

    /** blk_co_pwrite_zeroes: bdrv_co_do_pwrite_zeroes' split by cluster, the driver call, the fallback. */
    public void writeZeroes(long offset, long bytes, boolean mayUnmap) {
        checkRange(offset, bytes);
        long align = d.clusterSize();
        long head = offset % align;
        long tail = (offset + bytes) % align;
        while (bytes > 0) {
            long num = bytes;
            if (head != 0) {
                num = Math.min(Math.min(bytes, MAX_BOUNCE_BUFFER), align - head);
                head = (head + num) % align;
            } else if (tail != 0 && num > align) {
                num -= tail;
            }
            if (!d.pwriteZeroes(co, offset, num, mayUnmap)) {
                long left = num;
                long at = offset;
                while (left > 0) {
                    int chunk = (int) Math.min(left, MAX_BOUNCE_BUFFER);
                    pwritev(at, new byte[chunk], 0, chunk);
                    at += chunk;
                    left -= chunk;
                }
            }
            offset += num;
            bytes -= num;
        }
        d.flushToOs(co);
    }

    /** blk_co_pdiscard: bdrv_co_pdiscard's split by cluster; -ENOTSUP pieces are ignored. */
    public void discard(long offset, long bytes) {
        checkRange(offset, bytes);
        long align = d.clusterSize();
        long head = offset % align;
        long tail = (offset + bytes) % align;
        while (bytes > 0) {
            long num = bytes;
            if (head != 0) {
                num = Math.min(bytes, align - head);
                head = (head + num) % align;
            } else if (tail != 0 && num > align) {
                num -= tail;
            }
            d.pdiscard(co, offset, num);
            offset += num;
            bytes -= num;
        }
    }

    public byte[] read(long offset, int bytes) {
        checkRange(offset, bytes);
        byte[] b = new byte[bytes];
        d.read(co, offset, b, 0, bytes);
        return b;
    }

    public void flush() {
        d.flushToOs(co);
    }
}
