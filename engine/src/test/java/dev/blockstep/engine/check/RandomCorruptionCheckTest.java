package dev.blockstep.engine.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.blockstep.engine.testing.Qemu;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded random damage to the metadata clusters of a real image (refcount table and block, L1, L2 and a
 * header bytes, except those that switch on features blockstep does not model). Whatever qemu-img check makes of it, ours must say
 * the same, and must never throw.
 */
class RandomCorruptionCheckTest {

    /** Byte ranges worth damaging: refcount table and block, L1 and L2 of the 64 KiB-cluster base image. */
    private static final long[][] REGIONS = {{0x10000, 64}, {0x20000, 32}, {0x30000, 8}, {0x40000, 160}, {0x0, 0x70}};

    static java.util.stream.LongStream seeds() {
        return java.util.stream.LongStream.rangeClosed(1, Long.getLong("blockstep.damageSeeds", 60));
    }

    /** Header bytes that turn on features blockstep refuses to check (backing file, encryption, snapshots). */
    private static boolean unmodelled(long at) {
        return (at >= 0x08 && at < 0x14) || (at >= 0x20 && at < 0x24) || (at >= 0x3c && at < 0x48);
    }

    @TempDir
    Path dir;

    @ParameterizedTest(name = "seed {0}")
    @org.junit.jupiter.params.provider.MethodSource("seeds")
    void randomlyDamagedMetadataChecksExactlyAsQemuImgChecksIt(long seed) throws Exception {
        Path img = dir.resolve("damaged-" + seed + ".qcow2");
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", img.toString(), "64M").exitCode());
        Qemu.Result io = Qemu.io("-f", "qcow2", "-c", "write -P 1 0 192k", "-c", "write -z 1M 64k",
                "-c", "write -P 2 2M 64k", "-c", "write -P 3 4M 64k", "-c", "discard 4M 64k",
                "-c", "write -P 4 8M 128k", img.toString());
        assertEquals(0, io.exitCode(), io.stderr());
        Random r = new Random(seed);
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
            int edits = 1 + r.nextInt(4);
            for (int i = 0; i < edits; i++) {
                long[] region = REGIONS[r.nextInt(REGIONS.length)];
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
        QemuParity.assertSameAsQemu(img);
    }
}
