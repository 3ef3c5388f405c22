package dev.blockstep.app.cli;

import dev.blockstep.trace.qemuio.Cvtnum;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code blockstep commit}: qemu-img commit (qemu 7.2) of a qcow2 image into its backing file, in place: the
 * engine's active commit (block/mirror.c in commit mode) copies what the top allocates into the base, then the top
 * is emptied (qcow2_make_empty) unless {@code -d} or {@code -b} is given. Options are read as qemu-img's getopt_long
 * reads them; messages and exit codes are qemu-img's.
 */
@Command(name = "commit",
        description = "Commit a qcow2 image into its backing file as qemu-img commit (qemu 7.2) does: "
                + "commit [-f FMT] [-t CACHE] [-b BASE] [-d] [-p] [-q] [-r RATE] FILE.")
public final class CommitCommand implements Callable<Integer> {
    private static final String USAGE = "usage: blockstep commit [-f FMT] [-t CACHE] [-b BASE] [-d] [-p] [-q] "
            + "[-r RATE_LIMIT] FILE";
    private static final List<String> CACHE_MODES = List.of("none", "off", "directsync", "writeback", "unsafe",
            "writethrough");

    @Spec
    CommandSpec spec;

    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        return QemuImgArgs.run(spec, this::commit);
    }

    private int commit(PrintWriter out, PrintWriter err) {
        QemuImgArgs.Parsed p = QemuImgArgs.parse("commit", args, "f:ht:b:dpqr:", Set.of("object"),
                Set.of("help", "image-opts"));
        if (p.error() != null) {
            return QemuImgArgs.fail(err, p.error());
        }
        String fmt = null;
        String cache = "writeback";
        String base = null;
        boolean drop = false;
        boolean progress = false;
        boolean quiet = false;
        for (QemuImgArgs.Opt o : p.options()) {
            switch (o.name()) {
                case "h", "help" -> {
                    out.println(USAGE);
                    return 0;
                }
                case "f" -> fmt = o.value();
                case "t" -> cache = o.value();
                case "b" -> {
                    base = o.value();
                    drop = true;
                }
                case "d" -> drop = true;
                case "p" -> progress = true;
                case "q" -> quiet = true;
                case "r" -> {
                    String bad = rateLimitError(o.value());
                    if (bad != null) {
                        return QemuImgArgs.fail(err, List.of(bad.split("\n")));
                    }
                }
                case "object" -> {
                    return QemuImgArgs.fail(err, List.of("qemu-img: blockstep commit does not support --object "
                            + "(user-creatable objects such as secrets)"));
                }
                default -> {
                    return QemuImgArgs.fail(err, List.of("qemu-img: blockstep commit does not support --image-opts"));
                }
            }
        }
        if (p.operands().size() != 1) {
            return QemuImgArgs.fail(err, QemuImgArgs.exitLines("Expecting one image file name"));
        }
        if (!CACHE_MODES.contains(cache)) {
            return QemuImgArgs.fail(err, List.of("qemu-img: Invalid cache option: " + cache));
        }
        String filename = p.operands().get(0);
        CommitChain chain = CommitChain.open(filename, fmt, base, err);
        if (chain == null) {
            return 1;
        }
        if (progress && !quiet) {
            out.print("    (0.00/100%)\r");
        }
        if (!chain.commit(drop, err)) {
            return 1;
        }
        if (progress && !quiet) {
            out.print("    (100.00/100%)\r\n");
        }
        if (!quiet) {
            out.println("Image committed.");
        }
        return 0;
    }

    /** qemu-img's cvtnum("rate limit", ...): its two lines for a bad number, one for one out of range; or null. */
    private static String rateLimitError(String value) {
        try {
            BigInteger v = Cvtnum.parseUnbounded(value);
            if (v.bitLength() > 63) {
                return "qemu-img: Invalid rate limit specified. Must be between 0 and " + Long.MAX_VALUE + ".";
            }
            return null;
        } catch (Cvtnum.NumberException e) {
            return "qemu-img: Invalid rate limit specified. You may use k, M, G, T, P or E suffixes for\n"
                    + "qemu-img: kilobytes, megabytes, gigabytes, terabytes, petabytes and exabytes.";
        }
    }
}
