package dev.blockstep.engine.convert;

/**
 * convert_do_copy and convert_co_do_copy: a first pass over the runs counts the sectors that will be copied (for
 * the progress figure), the second reads each run and writes it with convert_co_write. qemu runs up to 16 coroutines
 * whose reads overlap; with in-order writes (qemu-img's default) each write waits for the one before it to complete,
 * so the target sees the writes one at a time in guest order, which is how they are made here.
 */
public final class ConvertCopy {
    private static final int SECTOR = SourceParts.SECTOR;

    /** qemu_progress_print's argument as a run is taken: the percentage of the counted sectors done. */
    public interface Progress {
        void done(double percent);
    }

    /** Where the copy stopped: the byte offset and the errno text, as qemu-img's error line gives them. */
    public record Failure(long offset, String strerror) {
    }

    private final SourceParts sources;
    private final ConvertSettings settings;
    private final ConvertTarget target;

    public ConvertCopy(SourceParts sources, ConvertSettings settings, ConvertTarget target) {
        this.sources = sources;
        this.settings = settings;
        this.target = target;
    }

    /** Copies everything; null when done, else the write that failed. */
    public Failure run(Progress progress) {
        ConvertRuns runs = new ConvertRuns(sources, settings);
        long total = sources.totalSectors();
        int minSparse = settings.minSparse();
        long allocated = 0;
        for (long sector = 0; sector < total; ) {
            long n = runs.next(sector);
            if (runs.status() == ConvertStatus.DATA || minSparse == 0 && runs.status() == ConvertStatus.ZERO) {
                allocated += n;
            }
            sector += n;
        }
        runs.restart();
        long done = 0;
        boolean copyRange = settings.copyRange();
        byte[] buf = new byte[(int) settings.bufSectors() * SECTOR];
        for (long sector = 0; sector < total; ) {
            long n = runs.next(sector);
            ConvertStatus status = runs.status();
            if (minSparse == 0 && status == ConvertStatus.ZERO) {
                n = Math.min(n, settings.bufSectors());
            }
            long at = sector;
            sector += n;
            if (status == ConvertStatus.DATA || minSparse == 0 && status == ConvertStatus.ZERO) {
                done += n;
                progress.done(100.0 * done / allocated);
            }
            if (copyRange && status == ConvertStatus.DATA && sources.compressedAt(at)) {
                // copy_range_from fails with ENOTSUP and convert falls back to reading and writing for good
                copyRange = false;
            }
            if (status == ConvertStatus.DATA) {
                sources.read(at, (int) n, buf);
            } else if (minSparse == 0 && status == ConvertStatus.ZERO) {
                status = ConvertStatus.DATA;
                java.util.Arrays.fill(buf, 0, (int) n * SECTOR, (byte) 0);
            }
            try {
                if (copyRange && status == ConvertStatus.DATA) {
                    // bdrv_co_copy_range: the whole run lands as it is in the source, zeros included
                    target.write(at * SECTOR, java.util.Arrays.copyOf(buf, (int) n * SECTOR));
                    continue;
                }
                write(at, (int) n, buf, status);
            } catch (ConvertTarget.WriteFailed e) {
                return new Failure(at * SECTOR, e.getMessage());
            }
        }
        if (settings.compressed()) {
            try {
                // signal EOF to align
                target.writeCompressed(0, new byte[0]);
            } catch (ConvertTarget.WriteFailed e) {
                return new Failure(-1, e.getMessage());
            }
        }
        return null;
    }

    /** convert_co_write: one run, cut where zero detection finds data and zeros. */
    private void write(long sector, int sectors, byte[] buf, ConvertStatus status) throws ConvertTarget.WriteFailed {
        int first = 0;
        while (sectors > 0) {
            int n = sectors;
            boolean asData = false;
            if (status == ConvertStatus.DATA) {
                int minSparse = settings.minSparse();
                if (minSparse == 0) {
                    asData = true;
                } else if (!settings.compressed()) {
                    SparseRuns.Run r = SparseRuns.allocatedMin(slice(buf, first, n), n, minSparse, sector,
                            settings.alignment());
                    n = r.sectors();
                    asData = r.data();
                } else {
                    asData = !SparseRuns.isZero(buf, first * SECTOR, n * SECTOR);
                }
            }
            byte[] data = asData ? java.util.Arrays.copyOfRange(buf, first * SECTOR, (first + n) * SECTOR) : null;
            if (asData && settings.compressed()) {
                target.writeCompressed(sector * SECTOR, data);
            } else if (asData) {
                target.write(sector * SECTOR, data);
            } else if (status != ConvertStatus.BACKING_FILE && !settings.hasZeroInit()) {
                target.writeZeroes(sector * SECTOR, (long) n * SECTOR);
            }
            sector += n;
            sectors -= n;
            first += n;
        }
    }

    private static byte[] slice(byte[] buf, int first, int n) {
        return first == 0 ? buf : java.util.Arrays.copyOfRange(buf, first * SECTOR, (first + n) * SECTOR);
    }
}
