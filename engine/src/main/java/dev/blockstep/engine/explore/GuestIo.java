package dev.blockstep.engine.explore;

import dev.blockstep.engine.block.DriverOps;

/** Reads guest bytes through the driver outside any coroutine, when no request is in flight. */
final class GuestIo {
    private GuestIo() {
    }

    static byte[] read(DriverOps d, long offset, int len) {
        byte[] b = new byte[len];
        int pos = 0;
        while (pos < len) {
            long[] r = d.hostOffsetForRead(offset + pos, len - pos);
            int n = (int) Math.min(r[1], len - pos);
            if (n <= 0) {
                throw new IllegalStateException("driver returned an empty range at guest 0x"
                        + Long.toHexString(offset + pos));
            }
            d.readData(offset + pos, r[0], b, pos, n);
            pos += n;
        }
        return b;
    }

    /** Whether the guest cluster at {@code offset} is backed by a host cluster. */
    static boolean allocated(DriverOps d, long offset) {
        return d.hostOffsetForRead(offset, d.clusterSize())[0] >= 0;
    }
}
