package dev.blockstep.engine.convert;

import dev.blockstep.engine.block.BlockStatusAbove;

/**
 * convert_iteration_sectors: cuts the sources into runs of one {@link ConvertStatus}, asking block status only when
 * the run it last learned has been used up. A data run is cut to the copy buffer; with compression every run covers
 * whole target clusters.
 */
final class ConvertRuns {
    /** BDRV_REQUEST_MAX_SECTORS: the largest request the block layer takes, in sectors. */
    static final long REQUEST_MAX_SECTORS = Integer.MAX_VALUE >> 9;

    private final SourceParts sources;
    private final ConvertSettings settings;
    private ConvertStatus status;
    private long nextStatus;

    ConvertRuns(SourceParts sources, ConvertSettings settings) {
        this.sources = sources;
        this.settings = settings;
    }

    /** The status of the run {@link #next} returned last. */
    ConvertStatus status() {
        return status;
    }

    /** The length in sectors of the run at {@code sector}, setting {@link #status()}. */
    long next(long sector) {
        int part = sources.select(sector);
        long partStart = sources.start(part);
        long n = Math.min(sources.totalSectors() - sector, REQUEST_MAX_SECTORS);
        boolean postBackingZero = false;
        long backing = settings.targetBackingSectors();
        if (backing >= 0) {
            if (sector >= backing) {
                postBackingZero = true;
            } else if (sector + n > backing) {
                // zeros are handled differently from there on
                n = backing - sector;
            }
        }
        if (nextStatus <= sector) {
            SourceParts.Answer a = sources.status(part, (sector - partStart) * SourceParts.SECTOR,
                    n * SourceParts.SECTOR, settings.targetHasBacking());
            n = (a.bytes() + SourceParts.SECTOR - 1) / SourceParts.SECTOR;
            // keep the next status query aligned to the source's clusters
            long tail = (sector - partStart + n) % sources.parts().get(part).alignment();
            if (n > tail) {
                n -= tail;
            }
            if (a.status() == BlockStatusAbove.Status.ZERO) {
                status = postBackingZero ? ConvertStatus.BACKING_FILE : ConvertStatus.ZERO;
            } else if (a.status() == BlockStatusAbove.Status.DATA) {
                status = ConvertStatus.DATA;
            } else {
                status = settings.targetHasBacking() ? ConvertStatus.BACKING_FILE : ConvertStatus.DATA;
            }
            nextStatus = sector + n;
        }
        n = Math.min(n, nextStatus - sector);
        if (status == ConvertStatus.DATA) {
            n = Math.min(n, settings.bufSectors());
        }
        if (settings.compressed()) {
            // a compressed write covers whole clusters: a shorter run counts as data for its whole cluster
            long cluster = settings.clusterSectors();
            if (n < cluster) {
                n = Math.min(cluster, sources.totalSectors() - sector);
                status = ConvertStatus.DATA;
            } else {
                n -= n % cluster;
            }
        }
        return n;
    }

    /** Starts again from the first sector, as convert_do_copy does after counting. */
    void restart() {
        nextStatus = 0;
    }
}
