package dev.blockstep.engine.convert;

import dev.blockstep.engine.block.BlockStatusAbove;
import dev.blockstep.engine.qcow2.BackingImage;
import dev.blockstep.engine.qcow2.Qcow2Clusters;
import dev.blockstep.engine.qcow2.Qcow2Driver;
import java.util.List;

/**
 * The source images of a convert, one after another as qemu-img concatenates them; offsets in 512-byte sectors
 * across all of them. Each part is opened read-only with its backing chain.
 */
public final class SourceParts {
    static final int SECTOR = 512;

    /**
     * One source.
     *
     * @param alignment sectors its block status runs are cut to (its cluster size for qcow2, one sector for raw,
     *                  as img_convert takes it from bdrv_get_info and the request alignment)
     */
    public record Part(BackingImage image, long sectors, long alignment) {
        /** A source opened as {@code image}: its size rounded up to whole sectors, as blk_nb_sectors gives it. */
        public static Part of(BackingImage image) {
            long alignment = image instanceof BackingImage.Qcow2 q ? q.driver().clusterSize() / SECTOR : 1;
            return new Part(image, (image.size() + SECTOR - 1) / SECTOR, alignment);
        }
    }

    /** A block status answer: {@code bytes} from the asked offset have {@code status} (null: neither data nor zero). */
    record Answer(BlockStatusAbove.Status status, long bytes) {
    }

    private final List<Part> parts;
    private final long totalSectors;

    public SourceParts(List<Part> parts) {
        this.parts = List.copyOf(parts);
        this.totalSectors = parts.stream().mapToLong(Part::sectors).sum();
    }

    public long totalSectors() {
        return totalSectors;
    }

    public List<Part> parts() {
        return parts;
    }

    /** convert_select_part: the index of the part that holds {@code sector}. */
    int select(long sector) {
        int i = 0;
        long start = 0;
        while (sector - start >= parts.get(i).sectors()) {
            start += parts.get(i).sectors();
            i++;
        }
        return i;
    }

    /** The first sector of part {@code i}. */
    long start(int i) {
        long start = 0;
        for (int k = 0; k < i; k++) {
            start += parts.get(k).sectors();
        }
        return start;
    }

    /**
     * bdrv_block_status_above on part {@code i} from its byte {@code offset}, for at most {@code bytes}: down the
     * whole chain, or, when the target has a backing file, of the top image alone (base = its backing file), where
     * what it leaves unallocated is neither data nor zero unless nothing lies below it there.
     */
    Answer status(int i, long offset, long bytes, boolean topOnly) {
        BackingImage image = parts.get(i).image();
        if (image instanceof BackingImage.Raw raw) {
            BlockStatusAbove.Answer a = BlockStatusAbove.rawRun(raw, offset, Math.min(bytes, raw.size() - offset));
            return new Answer(a.status(), a.bytes());
        }
        Qcow2Driver top = ((BackingImage.Qcow2) image).driver();
        if (!topOnly) {
            BlockStatusAbove.Answer a = BlockStatusAbove.of(top, 0, offset, bytes);
            return new Answer(a.status(), a.bytes());
        }
        Qcow2Clusters.StatusRun run = top.clusters().statusRun(0, offset, Math.min(bytes, top.size() - offset));
        BlockStatusAbove.Status s = switch (run.type()) {
            case NORMAL, COMPRESSED -> BlockStatusAbove.Status.DATA;
            case ZERO_PLAIN, ZERO_ALLOC -> BlockStatusAbove.Status.ZERO;
            // bdrv_co_block_status: no backing file, or an offset past its end, reads as zero; the run is not cut
            // at the backing file's end
            case UNALLOCATED -> top.backingImage() == null || offset >= top.backingImage().size()
                    ? BlockStatusAbove.Status.ZERO : null;
        };
        return new Answer(s, run.bytes());
    }

    /**
     * Whether the data at {@code sector} sits in a compressed cluster of the layer that provides it: qcow2's
     * copy_range_from refuses those (ENOTSUP), which turns copy offloading off.
     */
    boolean compressedAt(long sector) {
        int i = select(sector);
        long offset = (sector - start(i)) * SECTOR;
        BackingImage image = parts.get(i).image();
        while (image instanceof BackingImage.Qcow2 q && offset < q.size()) {
            dev.blockstep.engine.qcow2.format.ClusterType t = q.driver().clusters().map(0, offset).type();
            if (t != dev.blockstep.engine.qcow2.format.ClusterType.UNALLOCATED) {
                return t == dev.blockstep.engine.qcow2.format.ClusterType.COMPRESSED;
            }
            image = q.driver().backingImage();
        }
        return false;
    }

    /** convert_co_read: {@code sectors} from {@code sector} into {@code buf}, across parts. */
    void read(long sector, int sectors, byte[] buf) {
        int at = 0;
        while (sectors > 0) {
            int i = select(sector);
            long local = sector - start(i);
            int n = (int) Math.min(sectors, parts.get(i).sectors() - local);
            parts.get(i).image().read(local * SECTOR, buf, at, n * SECTOR);
            sector += n;
            sectors -= n;
            at += n * SECTOR;
        }
    }
}
