package dev.blockstep.engine.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.blockstep.engine.testing.Qemu;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

/** Runs our check and real qemu-img check on the same file and demands identical output. */
final class QemuParity {

    record Run(int exitCode, String stdout, String stderr) {
    }

    private QemuParity() {
    }

    static Run ours(Path image, CheckReport.Format format) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ImageCheck.run(image, image.toString(), format, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    static Run qemu(Path image, CheckReport.Format format) {
        Qemu.Result r = format == CheckReport.Format.JSON
                ? Qemu.img("check", "--output=json", image.toString())
                : Qemu.img("check", image.toString());
        return new Run(r.exitCode(), r.stdout(), r.stderr());
    }

    /** Both output forms must match qemu-img check exactly; returns qemu's human run for further checks. */
    static Run assertSameAsQemu(Path image) throws Exception {
        String before = fingerprint(image);
        Run human = null;
        for (CheckReport.Format f : CheckReport.Format.values()) {
            Run q = qemu(image, f);
            Run o = ours(image, f);
            String what = image.getFileName() + " (" + f + ")";
            assertEquals(q.stderr(), o.stderr(), "stderr of " + what);
            assertEquals(q.stdout(), o.stdout(), "stdout of " + what);
            assertEquals(q.exitCode(), o.exitCode(), "exit code of " + what + "; qemu said:\n" + q.stdout() + q.stderr());
            if (f == CheckReport.Format.HUMAN) {
                human = q;
            }
        }
        assertEquals(before, fingerprint(image), "checking must not change the image");
        return human;
    }

    /** A content hash for ordinary test images; length and modification time for huge sparse ones. */
    private static String fingerprint(Path image) throws Exception {
        long size = Files.size(image);
        String stamp = size + "@" + Files.getLastModifiedTime(image).toMillis();
        if (size > (64L << 20)) {
            return stamp;
        }
        byte[] sha = java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(image));
        return stamp + ":" + HexFormat.of().formatHex(sha);
    }
}
