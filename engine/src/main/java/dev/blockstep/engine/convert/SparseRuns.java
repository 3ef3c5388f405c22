package dev.blockstep.engine.convert;

/**
 * The zero detection of qemu-img convert's data buffers (is_allocated_sectors and is_allocated_sectors_min): how
 * many sectors from the start of a buffer are written as data, or skipped as zero.
 */
final class SparseRuns {
    private static final int SECTOR = SourceParts.SECTOR;

    /** A run from the buffer's start: {@code sectors} long, data or zero. */
    record Run(boolean data, int sectors) {
    }

    private SparseRuns() {
    }

    static boolean isZero(byte[] buf, int from, int len) {
        for (int i = from; i < from + len; i++) {
            if (buf[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * is_allocated_sectors: the run of sectors from {@code first} (of {@code n}) that are all zero or all not, its
     * end moved to an {@code alignment} boundary where that saves a read-modify-write on the target.
     */
    static Run allocated(byte[] buf, int first, int n, long sector, int alignment) {
        if (n <= 0) {
            return new Run(false, 0);
        }
        boolean zero = isZero(buf, first * SECTOR, SECTOR);
        int i = 1;
        while (i < n && isZero(buf, (first + i) * SECTOR, SECTOR) == zero) {
            i++;
        }
        if (i == n) {
            return new Run(!zero, i);
        }
        int tail = (int) ((sector + i) & (alignment - 1));
        if (tail != 0) {
            if (zero && i <= tail) {
                // the data after it rewrites this short zero run anyway
                zero = false;
            }
            if (!zero) {
                i = Math.min(i + alignment - tail, n);
            } else {
                i -= tail;
            }
        }
        return new Run(!zero, i);
    }

    /**
     * is_allocated_sectors_min: as {@link #allocated}, but a buffer that starts with data keeps zero runs shorter
     * than {@code min} sectors inside its data run, so small holes do not break a write up.
     */
    static Run allocatedMin(byte[] buf, int n, int min, long sector, int alignment) {
        min = Math.min(min, n);
        Run r = allocated(buf, 0, n, sector, alignment);
        if (!r.data()) {
            return r;
        }
        int used = r.sectors();
        int checked = used;
        while (checked < n) {
            Run next = allocated(buf, checked, n - checked, sector + checked, alignment);
            checked += next.sectors();
            if (next.data()) {
                used = checked;
            } else if (next.sectors() >= min) {
                break;
            }
        }
        return new Run(true, used);
    }
}
