package dev.blockstep.engine.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.stream.LongStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded random damage to the metadata of a real image ({@link DamagedImages}). Whatever qemu-img check
 * makes of it, ours must say the same and must never throw.
 * Run more seeds with {@code -DargLine=-Dblockstep.damageSeeds=N}.
 */
class RandomCorruptionCheckTest {

    @TempDir
    Path dir;

    static LongStream seeds() {
        return LongStream.rangeClosed(1, Long.getLong("blockstep.damageSeeds", 60));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomlyDamagedMetadataChecksExactlyAsQemuImgChecksIt(long seed) throws Exception {
        Path img = DamagedImages.damagedMetadata(dir, seed);
        assertReferenceCountsAgreeWithQemu(img, QemuParity.assertSameAsQemu(img));
    }

    /** Every cluster qemu names in an ERROR or Leaked line has that refcount and reference count in our table. */
    static void assertReferenceCountsAgreeWithQemu(Path img, QemuParity.Run qemu) throws Exception {
        if (qemu.exitCode() == 63 || (qemu.exitCode() == 1 && qemu.stdout().isEmpty())) {
            return; // qemu could not open or finish; there is no table to compare
        }
        ReferenceCounts rc = ReferenceCounts.of(dev.blockstep.engine.image.HostFile.load(img));
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("(?m)^(?:ERROR|Leaked) cluster (\\d+) refcount=(\\d+) reference=(\\d+)$").matcher(qemu.stderr());
        while (m.find()) {
            HostClusterUse use = rc.cluster(Long.parseLong(m.group(1)));
            String expected = m.group(0).replaceFirst("^(ERROR|Leaked) ", "");
            assertEquals(expected, "cluster " + use.cluster() + " refcount=" + Long.toUnsignedString(use.refcount())
                    + " reference=" + Long.toUnsignedString(use.references()));
        }
        assertEquals(qemu.exitCode(), rc.result().exitCode());
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomTableEntriesCheckExactlyAsQemuImgChecksThem(long seed) throws Exception {
        Path img = DamagedImages.randomTableEntries(dir, seed);
        assertReferenceCountsAgreeWithQemu(img, QemuParity.assertSameAsQemu(img));
    }
}
