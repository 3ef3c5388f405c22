package dev.blockstep.engine.check;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.blockstep.engine.testing.Qemu;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Repairs two copies of one image, one with real {@code qemu-img check -r}, one with ours, and demands the
 * same stdout, stderr, exit code and bytes afterwards.
 */
final class RepairParity {

    private RepairParity() {
    }

    /** Returns qemu's run, for tests that want to know what the repair met. */
    static QemuParity.Run assertRepairsAsQemu(Path image, RepairMode mode, CheckReport.Format format) throws Exception {
        String tag = "-" + mode.name().toLowerCase() + "-" + format.name().toLowerCase();
        Path theirs = image.resolveSibling(image.getFileName() + tag + "-qemu");
        Path ours = image.resolveSibling(image.getFileName() + tag + "-ours");
        Files.copy(image, theirs, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(image, ours, StandardCopyOption.REPLACE_EXISTING);
        String r = mode == RepairMode.ALL ? "all" : "leaks";
        Qemu.Result q = format == CheckReport.Format.JSON
                ? Qemu.img("check", "-r", r, "--output=json", theirs.toString())
                : Qemu.img("check", "-r", r, theirs.toString());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // Our messages name the image as qemu's copy is named, so the two outputs compare as text.
        int code = ImageCheck.run(ours, theirs.toString(), null, format, false, mode, new PrintWriter(out),
                new PrintWriter(err));
        String what = image.getFileName() + " -r " + r + " (" + format + ")";
        assertEquals(q.stderr(), err.toString(), "stderr of " + what);
        assertEquals(q.stdout(), out.toString(), "stdout of " + what);
        assertEquals(q.exitCode(), code, "exit code of " + what);
        assertSameBytes(theirs, ours, Files.size(image), "image bytes after " + what);
        Files.delete(theirs);
        Files.delete(ours);
        return new QemuParity.Run(q.exitCode(), q.stdout(), q.stderr());
    }

    /**
     * Same length, and the same bytes where a repair can write. A repair that gives a refcount block past
     * the end room can leave a sparse file of terabytes; there only the original length plus 64 MiB and
     * the last MiB are compared, since both tools write nothing but zeros in between.
     */
    private static void assertSameBytes(Path a, Path b, long originalLength, String what) throws Exception {
        long length = Files.size(a);
        assertEquals(length, Files.size(b), "length of " + what);
        try (RandomAccessFile fa = new RandomAccessFile(a.toFile(), "r");
             RandomAccessFile fb = new RandomAccessFile(b.toFile(), "r")) {
            long head = Math.min(length, originalLength + (64L << 20));
            compareRange(fa, fb, 0, head, what);
            compareRange(fa, fb, Math.max(head, length - (1L << 20)), length, what);
        }
    }

    private static void compareRange(RandomAccessFile fa, RandomAccessFile fb, long from, long to, String what)
            throws Exception {
        byte[] ba = new byte[1 << 20];
        byte[] bb = new byte[1 << 20];
        for (long at = from; at < to; at += ba.length) {
            int n = (int) Math.min(ba.length, to - at);
            fa.seek(at);
            fa.readFully(ba, 0, n);
            fb.seek(at);
            fb.readFully(bb, 0, n);
            if (!java.util.Arrays.equals(ba, 0, n, bb, 0, n)) {
                int i = java.util.Arrays.mismatch(ba, 0, n, bb, 0, n);
                assertArrayEquals(java.util.Arrays.copyOfRange(ba, i, Math.min(n, i + 16)),
                        java.util.Arrays.copyOfRange(bb, i, Math.min(n, i + 16)), what + " at offset 0x" + Long.toHexString(at + i));
            }
        }
    }

    /** Both modes, human output; returns qemu's -r all run. */
    static QemuParity.Run assertBothModesRepairAsQemu(Path image) throws Exception {
        assertRepairsAsQemu(image, RepairMode.LEAKS, CheckReport.Format.HUMAN);
        return assertRepairsAsQemu(image, RepairMode.ALL, CheckReport.Format.HUMAN);
    }
}
