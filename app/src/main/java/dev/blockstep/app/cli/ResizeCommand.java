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
 * {@code blockstep resize}: qemu-img resize (qemu 7.2) on a qcow2 or raw image, in place: the same checks in the
 * same order, the same lines and exit codes, and the same bytes. The size is taken off the end of the command line
 * before the options are read, as qemu-img does, so {@code -1G} is a size and not an option.
 */
@Command(name = "resize",
        description = "Resize a qcow2 or raw image in place as qemu-img resize (qemu 7.2) does: "
                + "resize [-f FMT] [--preallocation=off|metadata|falloc|full] [--shrink] [-q] FILE [+|-]SIZE.")
public final class ResizeCommand implements Callable<Integer> {
    private static final String USAGE = "usage: blockstep resize [-f FMT] [--preallocation=PREALLOC] [--shrink] "
            + "[-q] FILE [+|-]SIZE";

    @Spec
    CommandSpec spec;

    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        return QemuImgArgs.run(spec, this::resize);
    }

    private int resize(PrintWriter out, PrintWriter err) {
        if (args.size() < 2) {
            return QemuImgArgs.fail(err, QemuImgArgs.exitLines("Not enough arguments"));
        }
        String size = args.get(args.size() - 1);
        QemuImgArgs.Parsed p = QemuImgArgs.parse("resize", args.subList(0, args.size() - 1), "f:hq",
                Set.of("object", "preallocation"), Set.of("help", "image-opts", "shrink"));
        if (p.error() != null) {
            return QemuImgArgs.fail(err, p.error());
        }
        String fmt = null;
        boolean quiet = false;
        boolean shrink = false;
        String prealloc = "off";
        for (QemuImgArgs.Opt o : p.options()) {
            switch (o.name()) {
                case "h", "help" -> {
                    out.println(USAGE);
                    return 0;
                }
                case "f" -> fmt = o.value();
                case "q" -> quiet = true;
                case "object" -> {
                    return QemuImgArgs.fail(err, List.of("qemu-img: blockstep resize does not support --object "
                            + "(user-creatable objects such as secrets)"));
                }
                case "image-opts" -> {
                    return QemuImgArgs.fail(err, List.of("qemu-img: blockstep resize does not support --image-opts"));
                }
                case "preallocation" -> {
                    if (!List.of("off", "metadata", "falloc", "full").contains(o.value())) {
                        return QemuImgArgs.fail(err, List.of("qemu-img: Invalid preallocation mode '" + o.value()
                                + "'"));
                    }
                    prealloc = o.value();
                }
                default -> shrink = true;
            }
        }
        if (p.operands().size() != 1) {
            return QemuImgArgs.fail(err, QemuImgArgs.exitLines("Expecting image file name and size"));
        }
        String filename = p.operands().get(0);
        int relative = size.startsWith("+") ? 1 : size.startsWith("-") ? -1 : 0;
        String magnitude = relative == 0 ? size : size.substring(1);
        long n;
        try {
            n = sizeOption(magnitude);
        } catch (Cvtnum.NumberException e) {
            return QemuImgArgs.fail(err, List.of("qemu-img: " + e.getMessage()));
        }
        ResizeTarget target = ResizeTarget.open(filename, fmt, err);
        if (target == null) {
            return 1;
        }
        long current = target.length();
        long total = relative == 0 ? n : current + n * relative;
        if (total <= 0) {
            return QemuImgArgs.fail(err, List.of("qemu-img: New image size must be positive"));
        }
        if (total <= current && !prealloc.equals("off")) {
            return QemuImgArgs.fail(err, List.of("qemu-img: Preallocation can only be used for growing images"));
        }
        if (total < current && !shrink) {
            return QemuImgArgs.fail(err, List.of("qemu-img: Use the --shrink option to perform a shrink operation.",
                    "qemu-img: warning: Shrinking an image will delete all data beyond the shrunken image's end. "
                            + "Before performing such an operation, make sure there is no important data there."));
        }
        if (!target.truncate(total, prealloc, err)) {
            return 1;
        }
        if (!quiet) {
            out.println("Image resized.");
        }
        return 0;
    }

    /**
     * A QEMU_OPT_SIZE value as qemu_opt_set parses it and qemu_opt_get_size returns it: up to 2^64 - 1, which
     * qemu-img then holds in an int64 (so 8E and more turn negative).
     */
    static long sizeOption(String value) throws Cvtnum.NumberException {
        BigInteger v;
        try {
            v = Cvtnum.parseUnbounded(value);
        } catch (Cvtnum.NumberException e) {
            throw new Cvtnum.NumberException("Parameter 'size' expects a non-negative number below 2^64\n"
                    + "Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, tera-, peta-\n"
                    + "and exabytes, respectively.");
        }
        if (v.bitLength() > 64) {
            throw new Cvtnum.NumberException("Value '" + value + "' is out of range for parameter 'size'");
        }
        return v.longValue();
    }
}
