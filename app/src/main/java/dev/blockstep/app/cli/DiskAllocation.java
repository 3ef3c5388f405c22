package dev.blockstep.app.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * preallocation=falloc and full give the file's blocks on disk, not only its length: what {@code du} shows, and what
 * qemu's iotest 243 checks. The JDK has no fallocate, so both write every block with the bytes it already holds
 * (zeros in the holes), as full does; the bytes do not change.
 */
final class DiskAllocation {
    private static final int CHUNK = 1 << 20;

    private DiskAllocation() {
    }

    static void allocate(Path file) throws IOException {
        allocate(file, 0);
    }

    /** The blocks from byte {@code from} (a growth's new part) to the end of the file. */
    static void allocate(Path file, long from) throws IOException {
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(CHUNK);
            long size = c.size();
            for (long at = from; at < size; at += CHUNK) {
                b.clear().limit((int) Math.min(CHUNK, size - at));
                while (b.hasRemaining() && c.read(b, at + b.position()) >= 0) {
                    // a short read goes on where it stopped
                }
                b.flip();
                while (b.hasRemaining()) {
                    c.write(b, at + b.position());
                }
            }
        }
    }
}
