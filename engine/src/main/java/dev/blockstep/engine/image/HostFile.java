package dev.blockstep.engine.image;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The bytes of a host image file, held in memory as a sparse set of fixed-size pages plus a length.
 *
 * <p>Pages are shared between copies and copied on first write, so {@link #copy()} costs one map copy
 * and snapshots of a running engine stay cheap. A page that was never written, or was punched, reads as
 * zeros, as a hole in a sparse file does.
 */
public final class HostFile {

    /** Page size; 4 KiB keeps sub-cluster writes cheap for every cluster size from 512 B up. */
    public static final int PAGE_BITS = 12;
    static final int PAGE_SIZE = 1 << PAGE_BITS;

    private Map<Long, byte[]> pages;
    /** Pages this instance may write in place; everything else is shared with a copy. */
    private Map<Long, Boolean> owned;
    private long length;
    /** For {@link #digest}: every change of a page's bytes or mapping must forget its hashes. */
    private PageHashes pageHashes = new PageHashes();
    /** Told of every read and change of the bytes; not carried over to copies. */
    private Observer observer = Observer.NONE;

    /** Hears which byte ranges are read or changed, so the step running can declare the host clusters. */
    @FunctionalInterface
    public interface Observer {
        Observer NONE = (offset, len, write) -> { };

        void accessed(long offset, long len, boolean write);
    }

    /** Reports every later access of this file (not of its copies) to {@code o}. */
    public void observe(Observer o) {
        this.observer = o;
    }

    public HostFile() {
        this(new HashMap<>(), 0);
    }

    private HostFile(Map<Long, byte[]> pages, long length) {
        this.pages = pages;
        this.owned = new HashMap<>();
        this.length = length;
    }

    /** A file of {@code pages}, which it owns (writes in place), and {@code length}. */
    static HostFile owning(Map<Long, byte[]> pages, long length) {
        HostFile f = new HostFile(pages, length);
        for (Long page : pages.keySet()) {
            f.owned.put(page, Boolean.TRUE);
        }
        return f;
    }

    /** Loads a whole file. All-zero pages are left as holes. */
    public static HostFile load(Path path) throws IOException {
        return SparseFileIo.load(path);
    }

    /**
     * Writes the whole file, length included, as a sparse file: only pages holding data are written and the
     * rest is left as holes, so an image whose tables point far out costs what qemu's copy costs on disk, not
     * its apparent length. Refuses anything but a regular file (or a new one).
     */
    public void save(Path path) throws IOException {
        SparseFileIo.save(this, path);
    }

    /**
     * Writes this file over {@code path}, which holds exactly {@code base}'s bytes, touching only the pages
     * that differ from {@code base} (a copy this file was made from) and setting the length. Much faster
     * than {@link #save} for a large image changed in a few places, and the bytes are the same.
     */
    public void saveChanges(Path path, HostFile base) throws IOException {
        SparseFileIo.saveChanges(this, path, base);
    }

    /** The stored pages by index, for reading only (a page shared with a copy is the same array in both). */
    Map<Long, byte[]> pages() {
        return pages;
    }

    /** A copy that shares pages with this one until either side writes them. */
    public HostFile copy() {
        HostFile c = new HostFile(new HashMap<>(pages), length);
        c.pageHashes = pageHashes.copy();
        owned.clear(); // both sides now share every page
        return c;
    }

    public long length() {
        return length;
    }

    /**
     * The start of the first stored page at or after {@code offset} (or {@code offset} itself when its page is
     * stored), or the file's length when none is: everything before it reads as zeros.
     */
    public long nextStored(long offset) {
        long page = offset >>> PAGE_BITS;
        if (pages.containsKey(page)) {
            return offset;
        }
        long next = Long.MAX_VALUE;
        for (long p : pages.keySet()) {
            if (p > page && p < next) {
                next = p;
            }
        }
        return next == Long.MAX_VALUE ? Math.max(offset, length) : next << PAGE_BITS;
    }

    /**
     * The indexes of the pages in {@code [offset, offset + len)} that are stored (holding data or not), ascending;
     * every other page there reads as zeros. A walk over a huge, mostly empty range costs only what is stored.
     */
    public long[] storedPages(long offset, long len) {
        checkRange(offset, len);
        if (len == 0) {
            return new long[0];
        }
        long first = offset >>> PAGE_BITS;
        long last = (offset + len - 1) >>> PAGE_BITS;
        return pages.keySet().stream().mapToLong(Long::longValue).filter(p -> p >= first && p <= last).sorted()
                .toArray();
    }

    /** Reads into {@code dst}; bytes past the end of the file read as zeros, like a pread that came up short. */
    public void read(long offset, byte[] dst, int dstOff, int len) {
        checkRange(offset, len);
        observer.accessed(offset, len, false);
        while (len > 0) {
            long page = offset >>> PAGE_BITS;
            int inPage = (int) (offset & (PAGE_SIZE - 1));
            int n = Math.min(len, PAGE_SIZE - inPage);
            byte[] p = pages.get(page);
            if (p == null) {
                Arrays.fill(dst, dstOff, dstOff + n, (byte) 0);
            } else {
                System.arraycopy(p, inPage, dst, dstOff, n);
            }
            offset += n;
            dstOff += n;
            len -= n;
        }
    }

    public byte[] read(long offset, int len) {
        byte[] b = new byte[len];
        read(offset, b, 0, len);
        return b;
    }

    public long readBe64(long offset) {
        int inPage = (int) (offset & (PAGE_SIZE - 1));
        if (offset >= 0 && offset <= Long.MAX_VALUE - 8 && inPage <= PAGE_SIZE - 8) {
            // within one page: no buffer (the driver reads table entries one by one)
            observer.accessed(offset, 8, false);
            byte[] p = pages.get(offset >>> PAGE_BITS);
            return p == null ? 0 : (long) BE_WORDS.get(p, inPage);
        }
        byte[] b = read(offset, 8);
        long v = 0;
        for (byte x : b) {
            v = (v << 8) | (x & 0xff);
        }
        return v;
    }

    /** Writes bytes, growing the file when the write ends past its current length. */
    public void write(long offset, byte[] src, int srcOff, int len) {
        checkRange(offset, len);
        observer.accessed(offset, len, true);
        length = Math.max(length, offset + len);
        while (len > 0) {
            long page = offset >>> PAGE_BITS;
            int inPage = (int) (offset & (PAGE_SIZE - 1));
            int n = Math.min(len, PAGE_SIZE - inPage);
            byte[] p = writablePage(page);
            System.arraycopy(src, srcOff, p, inPage, n);
            offset += n;
            srcOff += n;
            len -= n;
        }
    }

    public void write(long offset, byte[] src) {
        write(offset, src, 0, src.length);
    }

    public void writeBe64(long offset, long value) {
        byte[] b = new byte[8];
        for (int i = 7; i >= 0; i--) {
            b[i] = (byte) value;
            value >>>= 8;
        }
        write(offset, b);
    }

    /**
     * Fills a range with one byte value, growing the file like {@link #write}. Whole pages share one read-only page
     * per value (copied on their next write like any shared page), so filling gigabytes costs a map entry per page.
     */
    public void fill(long offset, long len, byte value) {
        if (value == 0) {
            writeZeroes(offset, len);
            return;
        }
        checkRange(offset, len);
        observer.accessed(offset, len, true);
        length = Math.max(length, offset + len);
        byte[] full = filledPage(value);
        while (len > 0) {
            long page = offset >>> PAGE_BITS;
            int inPage = (int) (offset & (PAGE_SIZE - 1));
            int n = (int) Math.min(len, PAGE_SIZE - inPage);
            if (n == PAGE_SIZE) {
                pages.put(page, full);
                owned.remove(page);
                pageHashes.filled(page, value);
            } else {
                Arrays.fill(writablePage(page), inPage, inPage + n, value);
            }
            offset += n;
            len -= n;
        }
    }

    private static final byte[][] FILLED = new byte[256][];

    /** The shared page of {@code value}; never written, as no file owns it. */
    private static synchronized byte[] filledPage(byte value) {
        int i = value & 0xff;
        if (FILLED[i] == null) {
            byte[] p = new byte[PAGE_SIZE];
            Arrays.fill(p, value);
            FILLED[i] = p;
        }
        return FILLED[i];
    }

    /** Writes zeros (growing the file), dropping whole pages instead of storing them. */
    public void writeZeroes(long offset, long len) {
        checkRange(offset, len);
        observer.accessed(offset, len, true);
        length = Math.max(length, offset + len);
        zeroRange(offset, len);
    }

    /**
     * Punches a hole, as fallocate(PUNCH_HOLE|KEEP_SIZE) does: the range reads as zeros afterwards and the
     * file length does not change. The part past the end of the file is ignored.
     */
    public void punch(long offset, long len) {
        checkRange(offset, len);
        observer.accessed(offset, len, true);
        long end = Math.min(offset + len, length);
        if (end > offset) {
            zeroRange(offset, end - offset);
        }
    }

    /** ftruncate to {@code newLength} when it is shorter: the bytes past it are gone. */
    public void truncate(long newLength) {
        if (newLength < length) {
            punch(newLength, length - newLength);
            length = newLength;
        }
    }

    /**
     * A 64-bit hash of the file's content and length: equal files hash equal however they were written (pages
     * of zeros count as holes). Pages are visited in offset order, so the hash never depends on map order.
     * Explorers use it to count distinct end states.
     */
    public long contentHash() {
        long[] keys = pages.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
        long h = 0x9E3779B97F4A7C15L ^ length;
        for (long k : keys) {
            byte[] p = pages.get(k);
            if (isZero(p, PAGE_SIZE)) {
                continue;
            }
            h = PageHashes.mix(h ^ k);
            h = PageHashes.mix(h ^ Arrays.hashCode(p));
        }
        return h;
    }

    /**
     * Feeds the file's content to {@code out} in a canonical form: the length, then each page holding data, in
     * ascending order, as its index and two 64-bit hashes of its bytes. Two files with equal bytes feed equal
     * sequences however their pages are shared or were written; the explorer's state cache hashes this. A page's
     * hashes are kept until it changes, so a state reached by one more step rehashes only the pages it wrote.
     */
    public void digest(java.util.function.LongConsumer out) {
        out.accept(length);
        long[] keys = new long[pages.size()];
        int n = 0;
        for (long k : pages.keySet()) {
            keys[n++] = k;
        }
        Arrays.sort(keys);
        for (long k : keys) {
            long[] h = pageHashes.of(k, pages.get(k));
            if (h == PageHashes.ZERO_PAGE) {
                continue;
            }
            out.accept(k);
            out.accept(h[0]);
            out.accept(h[1]);
        }
    }

    /** Hashes every stored page now, so that copies made later start with the hashes ({@link #digest}). */
    public void hashPages() {
        for (long k : pages.keySet()) {
            pageHashes.of(k, pages.get(k));
        }
    }

    private static final java.lang.invoke.VarHandle BE_WORDS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);

    /** Number of pages that hold data; a rough measure of memory use. */
    public int storedPages() {
        return pages.size();
    }

    private void zeroRange(long offset, long len) {
        while (len > 0) {
            long page = offset >>> PAGE_BITS;
            int inPage = (int) (offset & (PAGE_SIZE - 1));
            int n = (int) Math.min(len, PAGE_SIZE - inPage);
            if (n == PAGE_SIZE) {
                pages.remove(page);
                owned.remove(page);
                pageHashes.forget(page);
            } else if (pages.containsKey(page)) {
                Arrays.fill(writablePage(page), inPage, inPage + n, (byte) 0);
            }
            offset += n;
            len -= n;
        }
    }

    private byte[] writablePage(long page) {
        pageHashes.forget(page); // the caller changes its bytes
        byte[] p = pages.get(page);
        if (p == null) {
            p = new byte[PAGE_SIZE];
            pages.put(page, p);
            owned.put(page, Boolean.TRUE);
        } else if (!owned.containsKey(page)) {
            p = p.clone();
            pages.put(page, p);
            owned.put(page, Boolean.TRUE);
        }
        return p;
    }

    private static void checkRange(long offset, long len) {
        if (offset < 0 || len < 0 || offset + len < offset) {
            throw new IllegalArgumentException("bad host range offset " + offset + " length " + len);
        }
    }

    static boolean isZero(byte[] b, int n) {
        for (int i = 0; i < n; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
