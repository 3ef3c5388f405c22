package dev.blockstep.app.cli;

import static dev.blockstep.app.cli.CheckCommandTest.blockstep;
import static dev.blockstep.app.cli.CheckCommandTest.qemuImg;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.testing.Qemu;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code check} on an image with a backing file, compared with qemu-img check 7.2: the chain is opened (a
 * missing backing file fails the command), and only the top image is checked.
 */
class ChainCheckCommandTest {

    @TempDir
    Path dir;

    private Path base;
    private Path top;

    /** base: 0x11 over [0, 128k); top over base: 0x22 at [64k, 68k). */
    private void chain() {
        base = dir.resolve("base.qcow2");
        top = dir.resolve("top.qcow2");
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", base.toString(), "1M").exitCode());
        assertEquals(0, Qemu.io("-f", "qcow2", "-c", "write -P 0x11 0 128k", base.toString()).exitCode());
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", top.toString(), "1M")
                .exitCode());
        assertEquals(0, Qemu.io("-f", "qcow2", "-c", "write -P 0x22 64k 4k", top.toString()).exitCode());
    }

    private static void assertSameAsQemuImg(String... args) {
        CheckCommandTest.Run q = qemuImg(args);
        assertEquals(q, blockstep(args));
    }

    @Test
    void aCleanOverlayChecksAsQemuImgChecksIt() throws Exception {
        chain();
        byte[] before = Files.readAllBytes(top);
        assertSameAsQemuImg("check", top.toString());
        assertSameAsQemuImg("check", "--output=json", top.toString());
        assertArrayEquals(before, Files.readAllBytes(top));
    }

    @Test
    void onlyTheTopImageIsCheckedAsInQemuImg() throws Exception {
        chain();
        try (RandomAccessFile f = new RandomAccessFile(base.toFile(), "rw")) {
            f.seek(0x30); // refcount_table_offset: the base's refcounts become nonsense
            f.writeLong(0);
        }
        CheckCommandTest.Run q = qemuImg("check", top.toString());
        assertEquals(0, q.exitCode(), q.toString());
        assertEquals(q, blockstep("check", top.toString()));
        assertEquals(2, blockstep("check", base.toString()).exitCode());
    }

    @Test
    void aMissingBackingFileFailsTheCheckAsQemuImgFails() {
        chain();
        assertTrue(base.toFile().delete());
        assertSameAsQemuImg("check", top.toString());
    }

    @Test
    void aBackingFileNameOfNulBytesFailsAsQemuImgFails() throws Exception {
        chain();
        try (RandomAccessFile f = new RandomAccessFile(top.toFile(), "rw")) {
            f.seek(0x10);
            f.writeInt(5); // qemu reads the name as a C string: five NUL bytes name no backing file
            f.seek(readBe64(top, 8));
            f.write(new byte[5]);
        }
        assertSameAsQemuImg("check", top.toString());
    }

    @Test
    void repairingAnOverlayIsRefusedInOneLineNamingTheField() {
        chain();
        CheckCommandTest.Run r = blockstep("check", "-r", "all", top.toString());
        assertEquals(1, r.exitCode());
        assertEquals(1, r.stderr().lines().count(), r.stderr());
        assertTrue(r.stderr().contains("backing_file_size") && r.stderr().contains(top.toString()), r.stderr());
    }

    private static long readBe64(Path p, long at) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "r")) {
            f.seek(at);
            return f.readLong();
        }
    }
}
