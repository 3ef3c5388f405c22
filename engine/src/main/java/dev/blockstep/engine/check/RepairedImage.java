package dev.blockstep.engine.check;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The image as a repair leaves it: the original bytes with the repair's writes, punched clusters and
 * growth laid over them in memory. Nothing reaches the file until {@link #writeBack}, so a repair that
 * stops part-way leaves exactly what qemu-img would have written by then, and a check without -r never
 * gets one of these.
 */
final class RepairedImage implements ImageBytes {

    private static final int PAGE = 4096;

    private final ImageBytes original;
    /** Pages the repair changed, by page index; each holds the page's whole new content. */
    private final TreeMap<Long, byte[]> pages = new TreeMap<>();
    private long length;
    private final List<RepairWrite> writes = new ArrayList<>();

    RepairedImage(ImageBytes original) {
        this.original = original;
        this.length = original.length();
    }

    @Override
    public long length() {
        return length;
    }

    /** Whether the repair changed anything at all. */
    boolean changed() {
        return !pages.isEmpty() || length != original.length();
    }

    @Override
    public void read(long offset, byte[] dst, int off, int len) {
        int done = 0;
        while (done < len) {
            long at = offset + done;
            long page = at / PAGE;
            int in = (int) (at % PAGE);
            int n = Math.min(len - done, PAGE - in);
            byte[] p = pages.get(page);
            if (p != null) {
                System.arraycopy(p, in, dst, off + done, n);
            } else {
                original.read(at, dst, off + done, n);
            }
            long past = Math.max(0, Math.min(n, at + n - length));
            if (past > 0) {
                Arrays.fill(dst, off + done + n - (int) past, off + done + n, (byte) 0);
            }
            done += n;
        }
    }

    /** Every change so far, in order. */
    List<RepairWrite> writes() {
        return List.copyOf(writes);
    }

    /** A pwrite: the file grows when the write ends past its end. */
    void write(long offset, byte[] src) {
        writes.add(new RepairWrite(offset, src.length, RepairWrite.Kind.WRITE));
        int done = 0;
        while (done < src.length) {
            long at = offset + done;
            int in = (int) (at % PAGE);
            int n = Math.min(src.length - done, PAGE - in);
            System.arraycopy(src, done, page(at / PAGE), in, n);
            done += n;
        }
        length = Math.max(length, offset + src.length);
    }

    /** A punched hole: the range reads as zeros afterwards; the file keeps its length. */
    void punch(long offset, long bytes) {
        writes.add(new RepairWrite(offset, bytes, RepairWrite.Kind.PUNCH));
        long end = Math.min(offset + bytes, length);
        for (long at = offset; at < end; ) {
            int in = (int) (at % PAGE);
            int n = (int) Math.min(end - at, PAGE - in);
            Arrays.fill(page(at / PAGE), in, in + n, (byte) 0);
            at += n;
        }
    }

    /** ftruncate to a larger size: the new tail reads as zeros. */
    void grow(long newLength) {
        if (newLength > length) {
            writes.add(new RepairWrite(length, newLength - length, RepairWrite.Kind.GROW));
            long oldLength = length;
            length = newLength;
            if (oldLength % PAGE != 0 && pages.containsKey(oldLength / PAGE)) {
                byte[] p = pages.get(oldLength / PAGE);
                Arrays.fill(p, (int) (oldLength % PAGE), PAGE, (byte) 0);
            }
        }
    }

    private byte[] page(long index) {
        return pages.computeIfAbsent(index, i -> {
            byte[] p = new byte[PAGE];
            long start = i * PAGE;
            int valid = (int) Math.max(0, Math.min(PAGE, length - start));
            if (valid > 0) {
                original.read(start, p, 0, valid);
            }
            return p;
        });
    }

    /** Applies the changed pages and the new length to the file the original bytes came from. */
    void writeBack(Path file) throws IOException {
        if (!changed()) {
            return;
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            if (f.length() < length) {
                f.setLength(length);
            }
            for (Map.Entry<Long, byte[]> e : pages.entrySet()) {
                long start = e.getKey() * PAGE;
                int n = (int) Math.max(0, Math.min(PAGE, length - start));
                if (n > 0) {
                    f.seek(start);
                    f.write(e.getValue(), 0, n);
                }
            }
        }
    }

    /** Applies the changed pages and the new length to {@code file}, which holds the original bytes. */
    void writeBack(dev.blockstep.engine.image.HostFile file) {
        if (!changed()) {
            return;
        }
        if (file.length() != length) {
            file.truncate(length);
        }
        for (Map.Entry<Long, byte[]> e : pages.entrySet()) {
            long start = e.getKey() * PAGE;
            int n = (int) Math.max(0, Math.min(PAGE, length - start));
            if (n > 0) {
                file.write(start, e.getValue(), 0, n);
            }
        }
    }

    @Override
    public void close() {
        original.close();
    }
}
