package dev.blockstep.engine.check;

import static dev.blockstep.engine.check.ImagePatch.be16;
import static dev.blockstep.engine.check.ImagePatch.be32;
import static dev.blockstep.engine.check.ImagePatch.be64;
import static dev.blockstep.engine.check.ImagePatch.truncate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.blockstep.engine.testing.Qemu;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hand-corrupted images. The base image (16M, 64 KiB clusters) is laid out by qemu as: 0 header,
 * 1 refcount table, 2 refcount block (be16), 3 L1, 4 L2, 5/6/7 data for guest clusters 0, 1 and 16.
 */
class CorruptedImageCheckTest {

    private static final long REFBLOCK = 0x20000;
    private static final long L1 = 0x30000;
    private static final long L2 = 0x40000;
    private static final long COPIED = 1L << 63;

    @TempDir
    Path dir;

    static Stream<Arguments> corruptions() {
        return Stream.of(
                Arguments.of("refcount too low", new ImagePatch[] {be16(REFBLOCK + 2 * 5, 0)}),
                Arguments.of("refcount too high", new ImagePatch[] {be16(REFBLOCK + 2 * 5, 2)}),
                Arguments.of("L2 entry lost OFLAG_COPIED", new ImagePatch[] {be64(L2, 0x50000)}),
                Arguments.of("L1 entry lost OFLAG_COPIED", new ImagePatch[] {be64(L1, 0x40000)}),
                Arguments.of("L1 entry only COPIED", new ImagePatch[] {be64(L1, COPIED)}),
                Arguments.of("one cluster referenced twice", new ImagePatch[] {be64(L2 + 8, COPIED | 0x50000)}),
                Arguments.of("leaked cluster", new ImagePatch[] {be64(L2 + 8 * 16, 0)}),
                Arguments.of("L2 entry reserved bits", new ImagePatch[] {be64(L2, COPIED | 0x50000 | 0x6)}),
                Arguments.of("L2 entry high reserved bits", new ImagePatch[] {be64(L2 + 8, COPIED | 0x60000 | (1L << 57))}),
                Arguments.of("L1 entry reserved bits", new ImagePatch[] {be64(L1, COPIED | 0x40000 | (1L << 60))}),
                Arguments.of("unaligned data offset", new ImagePatch[] {be64(L2, COPIED | 0x50200)}),
                Arguments.of("unaligned preallocated zero offset", new ImagePatch[] {be64(L2, COPIED | 0x50201)}),
                Arguments.of("unaligned L2 table offset", new ImagePatch[] {be64(L1, COPIED | 0x40200)}),
                Arguments.of("L2 table at the refcount block", new ImagePatch[] {be64(L1, COPIED | REFBLOCK)}),
                Arguments.of("data cluster at the refcount block", new ImagePatch[] {be64(L2, COPIED | REFBLOCK)}),
                Arguments.of("data cluster past the end of the file", new ImagePatch[] {be64(L2, COPIED | 0x10000000L)}),
                Arguments.of("data cluster one cluster past the end", new ImagePatch[] {be64(L2, COPIED | 0x80000)}),
                Arguments.of("compressed entry with COPIED", new ImagePatch[] {be64(L2, COPIED | (1L << 62) | 0x50000)}),
                Arguments.of("compressed entry spanning clusters", new ImagePatch[] {be64(L2, (1L << 62) | (3L << 54) | 0x5ff00)}),
                Arguments.of("refcount table entry reserved bits", new ImagePatch[] {be64(0x10000, REFBLOCK | 0x100)}),
                Arguments.of("unaligned refcount block", new ImagePatch[] {be64(0x10000, REFBLOCK | 0x200)}),
                Arguments.of("refcount block outside the image", new ImagePatch[] {be64(0x10008, 0x900000)}),
                Arguments.of("refcount table without blocks", new ImagePatch[] {be64(0x10000, 0)}),
                Arguments.of("zero refcount table clusters", new ImagePatch[] {be32(0x38, 0)}),
                Arguments.of("every refcount doubled", new ImagePatch[] {be16(REFBLOCK, 2), be16(REFBLOCK + 2, 2),
                        be16(REFBLOCK + 4, 2), be16(REFBLOCK + 6, 2), be16(REFBLOCK + 8, 2)}),
                Arguments.of("truncated inside the header", new ImagePatch[] {truncate(104)}),
                Arguments.of("truncated after the refcount table", new ImagePatch[] {truncate(0x10040)}),
                Arguments.of("truncated at the L1 table", new ImagePatch[] {truncate(0x30000)}),
                Arguments.of("truncated inside the L2 table", new ImagePatch[] {truncate(0x48000)}),
                Arguments.of("truncated inside data", new ImagePatch[] {truncate(0x5a000)}));
    }

    /** Edits qemu reports nothing for; our check must agree. */
    static Stream<Arguments> harmlessEdits() {
        return Stream.of(
                Arguments.of("dirty and corrupt bits set", new ImagePatch[] {be64(0x48, 3)}),
                Arguments.of("file extended by a hole", new ImagePatch[] {truncate(0x200000)}),
                Arguments.of("unknown autoclear bits", new ImagePatch[] {be64(0x58, 0xff00)}),
                Arguments.of("unknown header extension", new ImagePatch[] {be32(0x70, 0x12345678)}),
                Arguments.of("long extension ending inside the cluster", new ImagePatch[] {be32(0x74, 0xfe90)}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corruptions")
    void aHandCorruptedImageChecksExactlyAsQemuImgChecksIt(String name, ImagePatch[] patches) throws Exception {
        Path img = baseImage(name);
        ImagePatch.applyAll(img, patches);
        QemuParity.assertSameAsQemu(img);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("harmlessEdits")
    void aHarmlessEditChecksCleanAsQemuSays(String name, ImagePatch[] patches) throws Exception {
        Path img = baseImage(name);
        ImagePatch.applyAll(img, patches);
        assertEquals(0, QemuParity.assertSameAsQemu(img).exitCode());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corruptions")
    void everyCorruptionChangesWhatQemuReports(String name, ImagePatch[] patches) throws Exception {
        Path clean = baseImage(name + "-clean");
        Path img = baseImage(name);
        ImagePatch.applyAll(img, patches);
        var before = QemuParity.qemu(clean, CheckReport.Format.HUMAN);
        var after = QemuParity.qemu(img, CheckReport.Format.HUMAN);
        assertEquals(0, before.exitCode());
        assertNotEquals(before.stdout() + before.stderr(), after.stdout() + after.stderr(), "the patch must matter");
    }

    private Path baseImage(String name) {
        Path img = dir.resolve(name.replace(' ', '-') + ".qcow2");
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", img.toString(), "16M").exitCode());
        Qemu.Result io = Qemu.io("-f", "qcow2", "-c", "write -P 1 0 64k", "-c", "write -P 2 64k 64k",
                "-c", "write -P 3 1M 64k", img.toString());
        assertEquals(0, io.exitCode(), io.stderr());
        return img;
    }
}
