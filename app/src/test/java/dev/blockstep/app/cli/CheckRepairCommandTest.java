package dev.blockstep.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.blockstep.engine.testing.Qemu;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code blockstep check -r} through Main.run, against {@code qemu-img check -r} on copies of one image. */
class CheckRepairCommandTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "-r {0} {1}")
    @CsvSource({"all,human", "leaks,human", "all,json", "leaks,json", "bogus,human", "'',human"})
    void repairThroughTheCommandLineMatchesQemuImg(String mode, String output) throws Exception {
        Path img = dir.resolve("leaky.qcow2");
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", img.toString(), "16M").exitCode());
        assertEquals(0, Qemu.io("-f", "qcow2", "-c", "write -P 5 0 128k", img.toString()).exitCode());
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
            f.seek(0x20000 + 2 * 5);
            f.writeShort(2); // a leak: cluster 5 counted twice
            f.seek(0x40000 + 8);
            f.writeLong(0x0000000000060000L); // and a data entry without COPIED
        }
        Path theirs = dir.resolve("theirs.qcow2");
        Path ours = dir.resolve("ours.qcow2");
        Files.copy(img, theirs, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(img, ours, StandardCopyOption.REPLACE_EXISTING);
        CheckCommandTest.Run q = CheckCommandTest.qemuImg("check", "-r", mode, "--output=" + output, theirs.toString());
        CheckCommandTest.Run o = CheckCommandTest.blockstep("check", "-r", mode, "--output=" + output, ours.toString());
        assertEquals(q.stdout(), o.stdout().replace(ours.toString(), theirs.toString()));
        assertEquals(q.stderr(), o.stderr().replace(ours.toString(), theirs.toString()));
        assertEquals(q.exitCode(), o.exitCode());
        assertArrayEquals(Files.readAllBytes(theirs), Files.readAllBytes(ours));
    }
}
