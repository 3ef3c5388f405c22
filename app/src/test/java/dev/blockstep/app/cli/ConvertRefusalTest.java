package dev.blockstep.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code blockstep convert}'s refusals where qemu-img gives no line to compare with (it hangs on a FIFO, or it
 * destroys its own source under -U) or where blockstep stops at what it does not model: one line on stderr naming
 * the file and what was expected, exit status 1, no stack trace, and no target written.
 */
class ConvertRefusalTest {
    @TempDir
    Path dir;

    private Path source() throws Exception {
        Path src = dir.resolve("src.qcow2");
        CreateAndIoCommandTest.Run c = CreateAndIoCommandTest.run(null, "create", "-q", "-f", "qcow2",
                src.toString(), "1M");
        assertEquals(0, c.exitCode(), c.stderr());
        return src;
    }

    private static void oneLine(CreateAndIoCommandTest.Run r, String expected) {
        assertEquals(1, r.exitCode(), r.stderr());
        assertEquals("", r.stdout());
        assertEquals(expected + "\n", r.stderr());
    }

    @Test
    void aFifoSourceIsRefusedInOneLine() throws Exception {
        Path fifo = dir.resolve("fifo");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, p.waitFor());
        Path target = dir.resolve("t.raw");
        oneLine(CreateAndIoCommandTest.run(null, "convert", fifo.toString(), target.toString()),
                "qemu-img: Could not open '" + fifo + "': 'file' driver requires '" + fifo
                        + "' to be a regular file");
        assertFalse(Files.exists(target));
    }

    @Test
    void aDirectoryAsSourceIsRefusedInOneLine() throws Exception {
        Path target = dir.resolve("t.raw");
        oneLine(CreateAndIoCommandTest.run(null, "convert", dir.toString(), target.toString()),
                "qemu-img: Could not open '" + dir + "': Could not open '" + dir + "': Is a directory");
        assertFalse(Files.exists(target));
    }

    @Test
    void writingOverItsOwnSourceUnderForceShareIsRefusedAndTheSourceKept() throws Exception {
        Path src = source();
        byte[] before = Files.readAllBytes(src);
        oneLine(CreateAndIoCommandTest.run(null, "convert", "-U", src.toString(), src.toString()),
                "qemu-img: " + src + ": blockstep convert does not write over one of its sources");
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(src)));
    }

    @Test
    void aFormatBlockstepDoesNotWriteIsNamed() throws Exception {
        Path src = source();
        Path target = dir.resolve("t.vmdk");
        oneLine(CreateAndIoCommandTest.run(null, "convert", "-O", "vmdk", src.toString(), target.toString()),
                "qemu-img: blockstep convert writes only qcow2 and raw images, not 'vmdk'");
        assertFalse(Files.exists(target));
    }

    @Test
    void optionsBlockstepDoesNotModelAreNamed() throws Exception {
        Path src = source();
        Path target = dir.resolve("t.raw");
        oneLine(CreateAndIoCommandTest.run(null, "convert", "--salvage", src.toString(), target.toString()),
                "qemu-img: blockstep convert does not support --salvage");
        oneLine(CreateAndIoCommandTest.run(null, "convert", "--object", "secret,id=s0,data=x", src.toString(),
                target.toString()), "qemu-img: blockstep convert does not support --object secret,id=s0,data=x");
        assertFalse(Files.exists(target));
    }

    @Test
    void aSourceFormatBlockstepDoesNotOpenIsNamed() throws Exception {
        Path src = source();
        oneLine(CreateAndIoCommandTest.run(null, "convert", "-f", "vmdk", src.toString(), dir.resolve("t").toString()),
                "qemu-img: Could not open '" + src + "': blockstep opens only qcow2 and raw images, not 'vmdk'");
    }
}
