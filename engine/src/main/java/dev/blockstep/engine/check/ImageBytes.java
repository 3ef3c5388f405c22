package dev.blockstep.engine.check;

import dev.blockstep.engine.image.HostFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Read-only access to an image file's bytes. Bytes past the end read as zeros, as a pread on a host file
 * that comes up short is padded by qemu's file driver; the checker relies on that to see what qemu sees.
 */
public interface ImageBytes extends AutoCloseable {

    long length();

    /** Fills {@code dst[off, off+len)} from {@code offset}; the part past the end of the file is zeros. */
    void read(long offset, byte[] dst, int off, int len);

    default byte[] read(long offset, int len) {
        byte[] b = new byte[len];
        read(offset, b, 0, len);
        return b;
    }

    /**
     * The first offset at or after {@code offset} that may hold non-zero bytes (the file's length when none may); a
     * reader may skip what lies between. Files on disk answer {@code offset}; an in-memory image skips its holes.
     */
    default long nextData(long offset) {
        return offset;
    }

    @Override
    default void close() {
    }

    /** A view of an in-memory image; it never changes the HostFile. */
    static ImageBytes of(HostFile file) {
        return new ImageBytes() {
            @Override
            public long length() {
                return file.length();
            }

            @Override
            public long nextData(long offset) {
                return file.nextStored(offset);
            }

            @Override
            public void read(long offset, byte[] dst, int off, int len) {
                long inFile = Math.max(0, Math.min(len, file.length() - offset));
                if (inFile > 0) {
                    file.read(offset, dst, off, (int) inFile);
                }
                Arrays.fill(dst, off + (int) inFile, off + len, (byte) 0);
            }
        };
    }

    /**
     * Opens a file read-only without loading it, so a large sparse image costs only what the check reads.
     */
    static ImageBytes open(Path path) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        long length = ch.size();
        return new ImageBytes() {
            @Override
            public long length() {
                return length;
            }

            @Override
            public void read(long offset, byte[] dst, int off, int len) {
                ByteBuffer buf = ByteBuffer.wrap(dst, off, len);
                try {
                    long pos = offset;
                    while (buf.hasRemaining() && pos < length) {
                        int n = ch.read(buf, pos);
                        if (n < 0) {
                            break;
                        }
                        pos += n;
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                Arrays.fill(dst, buf.position(), off + len, (byte) 0);
            }

            @Override
            public void close() {
                try {
                    ch.close();
                } catch (IOException e) {
                    // Closing a read-only channel cannot lose data; nothing to report.
                }
            }
        };
    }
}
