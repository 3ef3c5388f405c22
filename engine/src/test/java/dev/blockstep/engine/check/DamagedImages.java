package dev.blockstep.engine.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.blockstep.engine.testing.Qemu;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded corrupted images, made from real qemu-img and qemu-io output and then damaged by hand, on layouts
 * with different cluster sizes and refcount widths. Shared by the check and the repair differential tests.
 */
final class DamagedImages {

    private static final int[][] LAYOUTS = {{65536, 16}, {4096, 16}, {512, 16}, {65536, 8}, {4096, 1}, {65536, 64}};

    private DamagedImages() {
    }

    private static boolean unmodelled(long at) {
        return (at >= 0x08 && at < 0x14) || (at >= 0x20 && at < 0x24) || (at >= 0x3c && at < 0x48);
    }

    /**
     * Random bytes of the refcount table and block, L1, L2, header fields and header extensions flipped
     * or replaced, on a real image written by qemu-io. Header bytes that switch on features blockstep does
     * not model (backing file, encryption, snapshots) are left alone.
     */
    static Path damagedMetadata(Path dir, long seed) throws IOException {
        int[] layout = LAYOUTS[(int) (seed % LAYOUTS.length)];
        int cs = layout[0];
        Path img = dir.resolve("damaged-" + seed + ".qcow2");
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", "-o",
                "cluster_size=" + cs + ",refcount_bits=" + layout[1], img.toString(), "64M").exitCode());
        Qemu.Result io = Qemu.io("-f", "qcow2", "-c", "write -P 1 0 " + 3 * cs, "-c", "write -z " + 16 * cs + " " + cs,
                "-c", "write -P 2 " + 32 * cs + " " + cs, "-c", "write -P 3 " + 64 * cs + " " + cs,
                "-c", "discard " + 64 * cs + " " + cs, "-c", "write -P 4 8M 128k", img.toString());
        assertEquals(0, io.exitCode(), io.stderr());
        Random r = new Random(seed);
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
            long reftable = readLong(f, 0x30);
            long l1 = readLong(f, 0x28);
            long refblock = readLong(f, reftable);
            long l2 = readLong(f, l1) & 0x00fffffffffffe00L;
            long[][] regions = {{reftable, 64}, {refblock, 64}, {l1, 8}, {l2, 160}, {0, 0x70}, {0x70, 8}, {0x1f8, 8}};
            int edits = 1 + r.nextInt(4);
            for (int i = 0; i < edits; i++) {
                long[] region = regions[r.nextInt(regions.length)];
                long at = region[0] + r.nextInt((int) region[1]);
                if (unmodelled(at)) {
                    continue;
                }
                f.seek(at);
                int old = f.read();
                f.seek(at);
                f.write(r.nextBoolean() ? old ^ (1 << r.nextInt(8)) : r.nextInt(256));
            }
        }
        return img;
    }

    /**
     * Whole L2 and L1 entries replaced by random but plausible values: aligned and unaligned offsets inside
     * and past the file, compressed descriptors of every size, zero flags, COPIED flags, reserved bits.
     */
    static Path randomTableEntries(Path dir, long seed) throws IOException {
        int[] layout = LAYOUTS[(int) (seed % LAYOUTS.length)];
        int cs = layout[0];
        Path img = dir.resolve("entries-" + seed + ".qcow2");
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", "-o",
                "cluster_size=" + cs + ",refcount_bits=" + layout[1], img.toString(), "64M").exitCode());
        assertEquals(0, Qemu.io("-f", "qcow2", "-c", "write -P 1 0 " + 8 * cs, "-c", "write -P 2 " + 40 * cs + " " + cs,
                img.toString()).exitCode());
        Random r = new Random(seed);
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
            long fileClusters = f.length() / cs + 2;
            long l1 = readLong(f, 0x28);
            long l2 = readLong(f, l1) & 0x00fffffffffffe00L;
            int edits = 1 + r.nextInt(6);
            for (int i = 0; i < edits; i++) {
                long offset = (long) r.nextInt((int) fileClusters) * cs;
                long value = switch (r.nextInt(6)) {
                    case 0 -> offset | (r.nextBoolean() ? 1L << 63 : 0);
                    case 1 -> (offset + 512L * r.nextInt(Math.max(1, cs / 512))) | (1L << 63) | (r.nextBoolean() ? 1 : 0);
                    case 2 -> compressed(r, cs, offset + r.nextInt(cs)) | (r.nextInt(4) == 0 ? 1L << 63 : 0);
                    case 3 -> offset | (1L << 63) | (1L << (1 + r.nextInt(8)));
                    case 4 -> r.nextLong();
                    default -> 0;
                };
                long at = r.nextInt(5) == 0 ? l1 : l2 + 8L * r.nextInt(Math.min(64, cs / 8));
                if (at == l1 && r.nextBoolean()) {
                    value = (offset | (1L << 63));
                }
                f.seek(at);
                f.writeLong(value);
            }
        }
        return img;
    }

    /**
     * A 1 MiB image written by real qemu-io from one -c batch of 400 racing 64 KiB aio writes, zero writes and
     * unmapping zero writes over eight clusters (an aio_flush every 50): requests overlap, so the race can fire
     * and the image may come out corrupt. Same seed, same script; qemu's timing decides the outcome.
     */
    static Path racingAioBatch(Path dir, long seed) {
        Path img = dir.resolve("aio-" + seed + ".qcow2");
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", img.toString(), "1M").exitCode());
        Random r = new Random(seed);
        List<String> args = new ArrayList<>(List.of("-f", "qcow2"));
        for (int i = 1; i <= 400; i++) {
            long off = 65536L * r.nextInt(8);
            String cmd = switch (r.nextInt(3)) {
                case 0 -> "aio_write -q -P " + r.nextInt(256) + " " + off + " 64k";
                case 1 -> "aio_write -q -z " + off + " 64k";
                default -> "aio_write -q -z -u " + off + " 64k";
            };
            args.add("-c");
            args.add(cmd);
            if (i % 50 == 0) {
                args.add("-c");
                args.add("aio_flush");
            }
        }
        args.add(img.toString());
        Qemu.io(args.toArray(new String[0]));
        return img;
    }

    /** A compressed descriptor: host byte offset, then the extra-sector count in the next cluster_bits-8 bits. */
    private static long compressed(Random r, int clusterSize, long hostOffset) {
        int sectorBits = Integer.numberOfTrailingZeros(clusterSize) - 8;
        long sectors = r.nextInt(1 << sectorBits);
        return (1L << 62) | (sectors << (62 - sectorBits)) | hostOffset;
    }

    static long readLong(RandomAccessFile f, long at) throws java.io.IOException {
        f.seek(at);
        return f.readLong();
    }
}
