package dev.blockstep.engine.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.testing.Qemu;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code blockstep check -r leaks|all} against real {@code qemu-img check -r}: images real qemu-io
 * corrupted by racing aio batches, hand-made corruptions of each kind the repair handles, and seeded random
 * damage. Same stdout, stderr, exit code and bytes afterwards, in both modes.
 * Run more seeds with {@code -DargLine=-Dblockstep.repairSeeds=N}.
 */
class RepairParityTest {

    @TempDir
    Path dir;

    static LongStream seeds() {
        return LongStream.rangeClosed(1, Long.getLong("blockstep.repairSeeds", 30));
    }

    /**
     * Racing aio batches in -c mode (as in QemuIoWorkloadCheckTest); every seed is repaired both ways,
     * and at least some of them must really be corrupt, or the test proves nothing about the race.
     */
    @Test
    void imagesCorruptedByRacingQemuIoRepairAsQemuImgRepairsThem() throws Exception {
        List<Integer> verdicts = new ArrayList<>();
        for (long seed = 11; seed <= 22; seed++) {
            Path img = DamagedImages.racingAioBatch(dir, seed);
            verdicts.add(QemuParity.qemu(img, CheckReport.Format.HUMAN).exitCode());
            RepairParity.assertBothModesRepairAsQemu(img);
        }
        assertTrue(verdicts.stream().filter(v -> v == 2).count() >= 3,
                "real qemu-io corrupted too few images for the comparison to cover the race: " + verdicts);
    }

    /** One kind of damage each, on a small image with data clusters 5..7 (16-bit refcounts, 64 KiB clusters). */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "refcount 0 on a referenced data cluster,   refblock+10, 0",
        "refcount 2 on a data cluster,              refblock+10, 2",
        "refcount 1 on an unreferenced cluster,     refblock+24, 1",
        "refcount 3 on the L2 table,                refblock+8, 3",
        "refcount 0 on the L1 table,                refblock+6, 0",
        "refcount 2 on the refcount block,          refblock+4, 2",
        "refcount 0 on the header,                  refblock+0, 0",
        "COPIED cleared on the L1 entry,            l1, 0x0000000000040000",
        "COPIED cleared on a data entry,            l2, 0x0000000000050000",
        "unaligned preallocated zero entry,         l2, 0x8000000000050201",
        "unaligned data entry,                      l2, 0x8000000000050200",
        "reserved bits in a data entry,             l2, 0x8000000000050002",
        "entry pointing past the end of the file,   l2, 0x8000000001000000",
        "two entries aliasing one cluster,          l2+8, 0x8000000000050000",
        "refcount table entry with reserved bits,   reftable, 0x0000000000020001",
        "refcount table entry unaligned,            reftable, 0x0000000000020200",
        "refcount block past the end of the file,   reftable+8, 0x0000000000400000",
        "L1 entry with reserved bits,               l1, 0x8000000000040001",
    })
    void handMadeCorruptionRepairsAsQemuImgRepairsIt(String what, String where, String value) throws Exception {
        Path img = smallImage(what.replace(' ', '-'));
        long at = switch (where.replaceAll("\\+.*", "")) {
            case "refblock" -> 0x20000;
            case "reftable" -> 0x10000;
            case "l1" -> 0x30000;
            default -> 0x40000;
        } + (where.contains("+") ? Long.parseLong(where.replaceAll(".*\\+", "")) : 0);
        long v = Long.parseUnsignedLong(value.replace("0x", ""), 16);
        if (where.startsWith("refblock")) {
            ImagePatch.applyAll(img, ImagePatch.be16(at, (int) v));
        } else {
            ImagePatch.applyAll(img, ImagePatch.be64(at, v));
        }
        RepairParity.assertBothModesRepairAsQemu(img);
        RepairParity.assertRepairsAsQemu(img, RepairMode.ALL, CheckReport.Format.JSON);
    }

    /** 16M image: header, reftable @0x10000, refblock @0x20000, L1 @0x30000, L2 @0x40000, data 5, 6, 7. */
    private Path smallImage(String name) {
        Path img = dir.resolve(name + ".qcow2");
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", img.toString(), "16M").exitCode());
        assertEquals(0, Qemu.io("-f", "qcow2", "-c", "write -P 1 0 192k", img.toString()).exitCode());
        return img;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomlyDamagedMetadataRepairsAsQemuImgRepairsIt(long seed) throws Exception {
        RepairParity.assertBothModesRepairAsQemu(DamagedImages.damagedMetadata(dir, seed));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomTableEntriesRepairAsQemuImgRepairsThem(long seed) throws Exception {
        RepairParity.assertBothModesRepairAsQemu(DamagedImages.randomTableEntries(dir, seed));
    }

    @Test
    void checkWithoutRepairNeverWritesAndRepairWritesOnlyTheGivenImage() throws Exception {
        Path img = smallImage("untouched");
        ImagePatch.applyAll(img, ImagePatch.be16(0x20000 + 10, 2));
        Path sibling = dir.resolve("sibling.qcow2");
        Files.copy(img, sibling);
        byte[] before = Files.readAllBytes(img);
        StringWriter sink = new StringWriter();
        assertEquals(2, ImageCheck.run(img, "img", null, CheckReport.Format.HUMAN, false, RepairMode.NONE,
                new PrintWriter(sink), new PrintWriter(sink)));
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(img)), "a check without -r changed the image");
        assertEquals(0, ImageCheck.run(img, "img", null, CheckReport.Format.HUMAN, false, RepairMode.LEAKS,
                new PrintWriter(sink), new PrintWriter(sink)));
        assertTrue(!java.util.Arrays.equals(before, Files.readAllBytes(img)), "the repair did not write the image");
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(sibling)), "the repair wrote another file");
    }

    @Test
    void aRepairInMemoryListsWhatItChangedAndLeavesTheImageAlone() throws Exception {
        Path img = smallImage("in-memory");
        // guest cluster 2's entry cleared: host cluster 7 keeps refcount 1 with no reference, a leak the
        // repair frees and punches
        ImagePatch.applyAll(img, ImagePatch.be64(0x40000 + 16, 0));
        byte[] before = Files.readAllBytes(img);
        StringWriter sink = new StringWriter();
        try (ImageBytes bytes = ImageBytes.open(img)) {
            ImageRepair.Outcome outcome = ImageRepair.repair(bytes, "img", null, RepairMode.ALL,
                    CheckReport.Format.HUMAN, false, new PrintWriter(sink), new PrintWriter(sink));
            assertEquals(0, outcome.exitCode(), sink.toString());
            assertEquals(List.of(new RepairWrite(7L << 16, 1L << 16, RepairWrite.Kind.PUNCH),
                    new RepairWrite(0x20000, 1L << 16, RepairWrite.Kind.WRITE)), outcome.writes());
            assertEquals(0, ReferenceCounts.of(outcome.bytes(), "img").result().exitCode());
        }
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(img)), "an in-memory repair wrote the file");
    }
}
