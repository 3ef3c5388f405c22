package dev.blockstep.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.app.Main;
import dev.blockstep.engine.testing.Qemu;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code blockstep check} run in-process through Main.run, compared with real qemu-img check. */
class CheckCommandTest {

    record Run(int exitCode, String stdout, String stderr) {
    }

    @TempDir
    Path dir;

    static Run blockstep(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = Main.run(args);
        } finally {
            System.out.flush();
            System.err.flush();
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Run qemuImg(String... args) {
        Qemu.Result r = Qemu.img(args);
        return new Run(r.exitCode(), r.stdout(), r.stderr());
    }

    private Path image(String name) {
        Path img = dir.resolve(name);
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", img.toString(), "16M").exitCode());
        assertEquals(0, Qemu.io("-f", "qcow2", "-c", "write -P 5 0 128k", "-c", "write -P 6 4M 64k", img.toString())
                .exitCode());
        return img;
    }

    private static void patch(Path img, long offset, long value, int bytes) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
            f.seek(offset);
            for (int i = bytes - 1; i >= 0; i--) {
                f.write((int) (value >>> (8 * i)));
            }
        }
    }

    @Test
    void checkOfACleanImageThroughMainPrintsWhatQemuImgPrints() {
        Path img = image("clean.qcow2");
        assertEquals(qemuImg("check", img.toString()), blockstep("check", img.toString()));
        assertEquals(qemuImg("check", "--output=json", img.toString()), blockstep("check", "--output", "json", img.toString()));
        assertEquals(qemuImg("check", "--output", "human", img.toString()),
                blockstep("check", "--output=human", img.toString()));
    }

    @Test
    void checkOfACorruptedImageThroughMainPrintsWhatQemuImgPrintsAndExitsTwo() throws Exception {
        Path img = image("corrupt.qcow2");
        patch(img, 0x20000 + 2 * 5, 0, 2); // refcount of the first data cluster dropped to 0
        Run q = qemuImg("check", img.toString());
        assertEquals(2, q.exitCode());
        assertEquals(q, blockstep("check", img.toString()));
        assertEquals(qemuImg("check", "--output=json", img.toString()), blockstep("check", "--output=json", img.toString()));
    }

    @Test
    void checkNeverChangesTheImage() throws Exception {
        Path img = image("readonly.qcow2");
        patch(img, 0x20000 + 2 * 6, 3, 2);
        byte[] before = Files.readAllBytes(img);
        assertEquals(2, blockstep("check", img.toString()).exitCode());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(img)));
    }

    /** Header fields qemu refuses at open: both tools print one line and exit 1. */
    static Stream<Arguments> malformedHeaders() {
        return Stream.of(
                Arguments.of("version 4", 0x04L, 4L, 4),
                Arguments.of("cluster_bits 8", 0x14L, 8L, 4),
                Arguments.of("cluster_bits 22", 0x14L, 22L, 4),
                Arguments.of("header_length 100", 0x64L, 100L, 4),
                Arguments.of("header_length past the cluster", 0x64L, 0x20000L, 4),
                Arguments.of("refcount_order 7", 0x60L, 7L, 4),
                Arguments.of("absurd refcount_table_clusters", 0x38L, 0x7fffffffL, 4),
                Arguments.of("unaligned refcount table", 0x30L, 0x10008L, 8),
                Arguments.of("absurd l1_size", 0x24L, 0xffffffffL, 4),
                Arguments.of("l1_size too small", 0x24L, 0L, 4),
                Arguments.of("unaligned L1 table", 0x28L, 0x30100L, 8),
                Arguments.of("L1 table offset overflowing", 0x28L, 0x7fffffffffff0000L, 8),
                Arguments.of("backing file offset past the cluster", 0x08L, 0x20000L, 8),
                Arguments.of("unknown incompatible feature", 0x48L, 0x40L, 8),
                Arguments.of("external data file bit", 0x48L, 0x4L, 8),
                Arguments.of("compression type bit without a type", 0x48L, 0x8L, 8),
                Arguments.of("absurd virtual size", 0x18L, 0x7fffffffffffffffL, 8),
                Arguments.of("virtual size 2^64-1", 0x18L, -1L, 8),
                Arguments.of("refcount table at the block layer limit", 0x30L, 0x7fffffffc0000000L, 8),
                Arguments.of("AES encryption", 0x20L, 1L, 4),
                Arguments.of("unknown encryption method", 0x20L, 9L, 4),
                Arguments.of("too many snapshots", 0x3cL, 100000L, 4),
                Arguments.of("backing file name too long", 0x0cL, 0x0000100000001388L, 8),
                Arguments.of("header extension too large", 0x74L, 0x10000L, 4),
                Arguments.of("raw data file bit without a data file", 0x58L, 2L, 8),
                Arguments.of("end marker with a length", 0x1fcL, 0xffff0000L, 4),
                Arguments.of("feature table retyped as backing format", 0x70L, 0xe2792acaL, 4),
                Arguments.of("crypto header without LUKS", 0x70L, 0x0537be77L, 4),
                Arguments.of("bitmaps extension of the wrong length", 0x70L, 0x23852875L, 4));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedHeaders")
    void aMalformedHeaderGivesQemuImgsOneLineErrorAndExitOne(String name, long offset, long value, int bytes)
            throws Exception {
        Path img = image(name.replace(' ', '_') + ".qcow2");
        patch(img, offset, value, bytes);
        Run ours = blockstep("check", img.toString());
        Run q = qemuImg("check", img.toString());
        assertOneLineFailure(ours);
        if (name.equals("too many snapshots")) {
            // qemu opens this and fails inside its snapshot check; blockstep refuses snapshots at open.
            assertEquals(1, q.exitCode());
            return;
        }
        assertEquals(q, ours);
    }

    static Stream<Arguments> truncatedFiles() {
        return Stream.of(Arguments.of(50L), Arguments.of(8L), Arguments.of(0L), Arguments.of(103L));
    }

    @ParameterizedTest(name = "truncated to {0} bytes")
    @MethodSource("truncatedFiles")
    void aFileTruncatedInsideTheHeaderFailsAsQemuImgFails(long length) throws Exception {
        Path img = image("short-" + length + ".qcow2");
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
            f.setLength(length);
        }
        Run q = qemuImg("check", img.toString());
        Run ours = blockstep("check", img.toString());
        assertEquals(q, ours);
        assertTrue(ours.exitCode() == 1 || ours.exitCode() == 63, "exit " + ours.exitCode());
        assertEquals(1, ours.stderr().lines().count(), ours.stderr());
    }

    /** Features blockstep does not model: one line naming the field, exit 1 (qemu would go further). */
    static Stream<Arguments> unmodelledFeatures() {
        return Stream.of(
                Arguments.of("internal snapshot", 0x3cL, 1L, 4, "nb_snapshots"),
                Arguments.of("extended L2 entries", 0x48L, 0x10L, 8, "incompatible_features"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unmodelledFeatures")
    void anUnmodelledFeatureIsRefusedWithOneLineNamingTheField(String name, long offset, long value, int bytes,
                                                              String field) throws Exception {
        Path img = image(name.replace(' ', '_') + ".qcow2");
        patch(img, offset, value, bytes);
        Run ours = blockstep("check", img.toString());
        assertOneLineFailure(ours);
        assertTrue(ours.stderr().contains(field) && ours.stderr().contains(img.toString()), ours.stderr());
    }

    @Test
    void aRawFileIsRefusedWithExit63AsQemuImgDoes() throws Exception {
        Path raw = dir.resolve("disk.raw");
        Files.write(raw, "not an image at all".repeat(100).getBytes(StandardCharsets.US_ASCII));
        Run q = qemuImg("check", raw.toString());
        assertEquals(63, q.exitCode());
        assertEquals(q, blockstep("check", raw.toString()));
        assertEquals(qemuImg("check", "--output=json", raw.toString()), blockstep("check", "--output=json", raw.toString()));
    }

    @Test
    void aMissingFileAndADirectoryFailAsQemuImgFails() {
        String missing = dir.resolve("nope.qcow2").toString();
        assertEquals(qemuImg("check", missing), blockstep("check", missing));
        assertEquals(qemuImg("check", dir.toString()), blockstep("check", dir.toString()));
    }

    @Test
    void formatAndQuietOptionsBehaveAsQemuImgs() throws Exception {
        Path img = image("opts.qcow2");
        patch(img, 0x20000 + 2 * 6, 2, 2);
        Path raw = dir.resolve("opts.raw");
        Files.write(raw, new byte[8192]);
        for (String[] args : new String[][] {{"-q"}, {"-f", "qcow2"}, {"-f", "raw"}, {"-q", "--output=json"}}) {
            for (Path p : List.of(img, raw)) {
                List<String> a = new ArrayList<>(List.of("check"));
                a.addAll(List.of(args));
                a.add(p.toString());
                assertEquals(qemuImg(a.toArray(new String[0])), blockstep(a.toArray(new String[0])), a.toString());
            }
        }
    }

    @Test
    void checkHelpListsItsOptions() {
        Run help = blockstep("check", "--help");
        assertEquals(0, help.exitCode());
        assertTrue(help.stdout().contains("--output") && help.stdout().contains("IMAGE"), help.stdout());
    }

    @Test
    void anUnknownOutputFormatFailsAsQemuImgFails() {
        Path img = image("fmt.qcow2");
        assertEquals(qemuImg("check", "--output=xml", img.toString()), blockstep("check", "--output=xml", img.toString()));
    }

    private static void assertOneLineFailure(Run r) {
        assertEquals(1, r.exitCode(), r.stderr());
        assertEquals("", r.stdout());
        List<String> lines = new ArrayList<>(r.stderr().lines().toList());
        assertEquals(1, lines.size(), "exactly one line: " + r.stderr());
        assertTrue(!r.stderr().contains("Exception") && !r.stderr().contains("\tat "), r.stderr());
    }
}
