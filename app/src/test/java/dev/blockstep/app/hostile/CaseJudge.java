package dev.blockstep.app.hostile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Sorts one case's outcome into the failure classes it shows (none when every promise held). */
final class CaseJudge {

    private static final Pattern JAVA_LEAK = Pattern.compile(
            "\\tat |Exception in thread|(java|javax|dev|com|picocli)\\.[\\w.$]+(Exception|Error)\\b"
                    + "|\\b\\w+(Exception|Error)\\b(: |$)|StackOverflow");
    private static final Pattern OOM = Pattern.compile("OutOfMemoryError|Java heap space|out of memory", Pattern.CASE_INSENSITIVE);
    private static final Pattern BARE = Pattern.compile("Input length = \\d+$|cannot write (\\S+): \\1$");
    private static final int LONGEST_LINE = 400;
    /** CliErrors' words for a failure no command turned into its own message. */
    private static final String INTERNAL_ERROR = "internal error (a bug in blockstep";

    private CaseJudge() {
    }

    /** Checksums of the inputs that exist, taken before the run (regular files only: a FIFO must not be read). */
    static Map<Path, String> checksums(HostileCase c) throws IOException {
        Map<Path, String> sums = new LinkedHashMap<>();
        for (Path p : c.inputs()) {
            if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                sums.put(p, sha256(p));
            }
        }
        return sums;
    }

    static Set<Failure> judge(HostileCase c, Outcome o, Map<Path, String> before)
            throws IOException, InterruptedException {
        Set<Failure> f = EnumSet.noneOf(Failure.class);
        for (Map.Entry<Path, String> e : before.entrySet()) {
            if (!Files.isRegularFile(e.getKey(), LinkOption.NOFOLLOW_LINKS) || !sha256(e.getKey()).equals(e.getValue())) {
                f.add(Failure.INPUT_CHANGED);
            }
        }
        if (o.diskGuardFired()) {
            f.add(Failure.OUTPUT_TOO_BIG);
        }
        for (Path out : c.outputs()) {
            if (Files.exists(out) && DiskUsage.allocated(out) > c.outputLimit()) {
                f.add(Failure.OUTPUT_TOO_BIG);
            }
        }
        String all = o.stdout() + "\n" + o.stderr();
        if (OOM.matcher(all).find()) {
            f.add(Failure.OUT_OF_MEMORY);
        } else if (JAVA_LEAK.matcher(o.stderr()).find()) {
            f.add(Failure.STACK_TRACE);
        }
        if (o.timedOut()) {
            f.add(Failure.HANG);
        }
        if (!o.timedOut() && !o.diskGuardFired()) {
            expectation(c.expect(), o, f);
        }
        for (String line : o.stderr().lines().toList()) {
            if (line.contains(INTERNAL_ERROR)) {
                f.add(Failure.BLAMED_ITSELF);
            }
            if (line.length() > LONGEST_LINE || BARE.matcher(line).find()) {
                f.add(Failure.UNHELPFUL_ERROR);
            }
        }
        return f;
    }

    private static void expectation(Expect e, Outcome o, Set<Failure> f) {
        if (e instanceof Expect.Refused) {
            if (o.exit() == 0) {
                f.add(Failure.SILENT_ACCEPTANCE);
            } else if (o.stderr().isBlank()) {
                f.add(Failure.UNHELPFUL_ERROR);
            }
        } else if (e instanceof Expect.Succeeds) {
            if (o.exit() != 0 && !f.contains(Failure.OUT_OF_MEMORY) && !f.contains(Failure.STACK_TRACE)) {
                f.add(Failure.QEMU_MISMATCH);
            }
        } else if (e instanceof Expect.SameAsQemu q && o.exit() != q.exit()) {
            f.add(o.exit() == 0 ? Failure.SILENT_ACCEPTANCE : Failure.QEMU_MISMATCH);
        }
    }

    static String sha256(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
