package dev.blockstep.engine.image;

import static dev.blockstep.engine.image.HostFile.PAGE_BITS;
import static dev.blockstep.engine.image.HostFile.PAGE_SIZE;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * A {@link HostFile}'s pages to and from a real file on disk, which is kept sparse both ways: pages of zeros are
 * holes in memory and on disk, so an image whose tables point far out costs what qemu's copy costs.
 */
final class SparseFileIo {

    private SparseFileIo() {
    }

    /** Reads a whole file; all-zero pages are left as holes. */
    static HostFile load(Path path) throws IOException {
        Map<Long, byte[]> pages = new HashMap<>();
        long length = 0;
        try (InputStream in = Files.newInputStream(path)) {
            byte[] buf = new byte[PAGE_SIZE];
            long page = 0;
            while (true) {
                int n = in.readNBytes(buf, 0, PAGE_SIZE);
                if (n <= 0) {
                    break;
                }
                if (!HostFile.isZero(buf, n)) {
                    byte[] p = new byte[PAGE_SIZE];
                    System.arraycopy(buf, 0, p, 0, n);
                    pages.put(page, p);
                }
                length += n;
                page++;
                if (n < PAGE_SIZE) {
                    break;
                }
            }
        }
        return HostFile.owning(pages, length);
    }

    /** See {@link HostFile#save}. */
    static void save(HostFile file, Path path) throws IOException {
        if (Files.exists(path) && !Files.isRegularFile(path)) {
            throw new IOException("'" + path + "' is not a regular file");
        }
        Map<Long, byte[]> pages = file.pages();
        long length = file.length();
        long[] keys = pages.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
        try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw")) {
            raf.setLength(0);
            FileChannel ch = raf.getChannel();
            for (long page : keys) {
                long off = page << PAGE_BITS;
                byte[] p = pages.get(page);
                if (off >= length || HostFile.isZero(p, PAGE_SIZE)) {
                    continue;
                }
                write(ch, p, (int) Math.min(PAGE_SIZE, length - off), off);
            }
            raf.setLength(length);
        }
    }

    /** See {@link HostFile#saveChanges}. */
    static void saveChanges(HostFile file, Path path, HostFile base) throws IOException {
        Map<Long, byte[]> pages = file.pages();
        Map<Long, byte[]> before = base.pages();
        long length = file.length();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
            byte[] zero = new byte[PAGE_SIZE];
            TreeSet<Long> touched = new TreeSet<>();
            for (Map.Entry<Long, byte[]> e : pages.entrySet()) {
                if (before.get(e.getKey()) != e.getValue()) {
                    touched.add(e.getKey());
                }
            }
            for (Long page : before.keySet()) {
                if (!pages.containsKey(page)) {
                    touched.add(page);
                }
            }
            if (length < ch.size()) {
                ch.truncate(length);
            }
            for (long page : touched) {
                long off = page << PAGE_BITS;
                if (off >= length) {
                    continue;
                }
                byte[] p = pages.get(page);
                write(ch, p == null ? zero : p, (int) Math.min(PAGE_SIZE, length - off), off);
            }
            if (ch.size() < length) {
                // extend without writing the zeros in between: the tail page decides the last byte
                long last = length - 1;
                byte[] p = pages.get(last >>> PAGE_BITS);
                byte b = p == null ? 0 : p[(int) (last & (PAGE_SIZE - 1))];
                ch.write(ByteBuffer.wrap(new byte[] {b}), last);
            }
        }
    }

    private static void write(FileChannel ch, byte[] page, int n, long off) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(page, 0, n);
        while (buf.hasRemaining()) {
            ch.write(buf, off + buf.position());
        }
    }
}
