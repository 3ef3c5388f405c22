package dev.blockstep.engine.qcow2;

import java.util.zip.Deflater;

/**
 * qcow2-threads.c's zlib compression of one cluster: raw deflate (no zlib header), default level, into at most
 * cluster_size - 1 bytes. qemu asks zlib for a 4 KiB window (windowBits -12) and memLevel 9; java.util.zip cannot
 * set either, so it deflates with a 32 KiB window and memLevel 8. For the runs of one byte that qemu-io writes, the
 * output is the same byte for byte (CompressedWriteAgainstQemuTest compares the images); for other data the bytes
 * may differ, while every reader, qemu's included, inflates them to the same cluster.
 */
public final class Qcow2Compress {
    private Qcow2Compress() {
    }

    /** The deflated cluster, or null when it does not fit in cluster_size - 1 bytes (qemu's -ENOMEM). */
    public static byte[] compress(byte[] cluster) {
        Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try {
            d.setInput(cluster);
            d.finish();
            byte[] out = new byte[cluster.length - 1];
            int n = 0;
            while (!d.finished() && n < out.length) {
                n += d.deflate(out, n, out.length - n);
            }
            if (!d.finished()) {
                return null;
            }
            return java.util.Arrays.copyOf(out, n);
        } finally {
            d.end();
        }
    }
}
