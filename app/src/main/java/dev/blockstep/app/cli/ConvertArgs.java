package dev.blockstep.app.cli;

import dev.blockstep.trace.qemuio.CInteger;
import dev.blockstep.trace.qemuio.Cvtnum;
import java.util.ArrayList;
import java.util.List;

/**
 * qemu-img convert's command line, read as img_convert reads it with getopt_long (options and operands in any
 * order, "--" ends the options, short options may be bundled and take their argument attached or as the next word,
 * long options may be abbreviated). The first refusal stops the reading with qemu-img's line(s).
 */
final class ConvertArgs {
    /** The short options and whether each takes an argument (img_convert's ":hf:O:B:CcF:o:l:S:pt:T:qnm:WUr:"). */
    private static final String SHORT = "hf:O:B:CcF:o:l:S:pt:T:qnm:WUr:";
    private static final List<String> LONG = List.of("help", "object", "image-opts", "force-share",
            "target-image-opts", "salvage", "target-is-zero", "bitmaps", "skip-broken-bitmaps");
    private static final List<String> LONG_WITH_ARG = List.of("object");
    /** MAX_BUF_SECTORS: the largest -S, 16 MiB, in sectors. */
    static final long MAX_BUF_SECTORS = 32768;

    String fmt;
    String outFmt;
    String outBaseImg;
    String backingFmt;
    final List<String> options = new ArrayList<>();
    String snapshot;
    boolean compressed;
    boolean copyRange;
    int minSparse = 8;
    boolean explicitMinSparse;
    boolean progress;
    String cache = "unsafe";
    String srcCache = "writeback";
    boolean quiet;
    boolean skipCreate;
    long numCoroutines = 8;
    boolean inOrder = true;
    boolean forceShare;
    boolean targetIsZero;
    boolean help;
    boolean salvage;
    boolean bitmaps;
    boolean skipBroken;
    boolean targetImageOpts;
    /** Options blockstep does not model (--object, --image-opts, ...), named as given. */
    final List<String> unsupported = new ArrayList<>();
    final List<String> operands = new ArrayList<>();
    /** qemu-img's lines when the command line is refused, else empty. */
    final List<String> errors = new ArrayList<>();

    static ConvertArgs parse(List<String> args) {
        ConvertArgs a = new ConvertArgs();
        a.read(args);
        return a;
    }

    private void read(List<String> args) {
        for (int i = 0; i < args.size() && errors.isEmpty(); i++) {
            String w = args.get(i);
            if (w.equals("--")) {
                operands.addAll(args.subList(i + 1, args.size()));
                return;
            }
            if (w.startsWith("--")) {
                i = longOption(args, i);
            } else if (w.startsWith("-") && w.length() > 1) {
                i = shortOptions(args, i);
            } else {
                operands.add(w);
            }
        }
    }

    private int longOption(List<String> args, int i) {
        String w = args.get(i);
        int eq = w.indexOf('=');
        String name = w.substring(2, eq < 0 ? w.length() : eq);
        List<String> matches = LONG.stream().filter(l -> l.startsWith(name)).toList();
        String opt = LONG.contains(name) ? name : matches.size() == 1 ? matches.get(0) : null;
        if (opt == null || name.isEmpty()) {
            fail("unrecognized option '" + w + "'");
            return i;
        }
        String value = null;
        if (LONG_WITH_ARG.contains(opt)) {
            if (eq >= 0) {
                value = w.substring(eq + 1);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                fail("missing argument for option '" + w + "'");
                return i;
            }
        } else if (eq >= 0) {
            fail("unrecognized option '" + w + "'");
            return i;
        }
        switch (opt) {
            case "help" -> help = true;
            case "force-share" -> forceShare = true;
            case "target-is-zero" -> targetIsZero = true;
            default -> {
                salvage |= opt.equals("salvage");
                bitmaps |= opt.equals("bitmaps");
                skipBroken |= opt.equals("skip-broken-bitmaps");
                targetImageOpts |= opt.equals("target-image-opts");
                unsupported.add("--" + opt + (value == null ? "" : " " + value));
            }
        }
        return i;
    }

    private int shortOptions(List<String> args, int i) {
        String w = args.get(i);
        for (int k = 1; k < w.length() && errors.isEmpty(); k++) {
            char c = w.charAt(k);
            int at = SHORT.indexOf(c);
            if (at < 0 || c == ':') {
                fail("unrecognized option '" + w + "'");
                return i;
            }
            boolean takesArg = at + 1 < SHORT.length() && SHORT.charAt(at + 1) == ':';
            if (!takesArg) {
                flag(c);
                continue;
            }
            String value;
            if (k + 1 < w.length()) {
                value = w.substring(k + 1);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                fail("missing argument for option '" + w + "'");
                return i;
            }
            withArg(c, value);
            return i;
        }
        return i;
    }

    private void flag(char c) {
        switch (c) {
            case 'h' -> help = true;
            case 'C' -> copyRange = true;
            case 'c' -> compressed = true;
            case 'p' -> progress = true;
            case 'q' -> quiet = true;
            case 'n' -> skipCreate = true;
            case 'W' -> inOrder = false;
            case 'U' -> forceShare = true;
            default -> throw new IllegalStateException("no flag -" + c);
        }
    }

    private void withArg(char c, String v) {
        switch (c) {
            case 'f' -> fmt = v;
            case 'O' -> outFmt = v;
            case 'B' -> outBaseImg = v;
            case 'F' -> backingFmt = v;
            case 'o' -> {
                String invalid = CreateOption.invalidList(List.of(v));
                if (invalid != null) {
                    errors.add(invalid);
                } else {
                    options.add(v);
                }
            }
            case 'l' -> snapshot = v;
            case 'S' -> sparse(v);
            case 't' -> cache = v;
            case 'T' -> srcCache = v;
            case 'm' -> {
                CInteger n = CInteger.parse(v);
                long m = n == null || n.magnitude().bitLength() > 62 ? -1
                        : n.negative() ? -n.magnitude().longValue() : n.magnitude().longValue();
                if (m < 1 || m > 16) {
                    errors.add("qemu-img: Invalid number of coroutines. Allowed number of coroutines is between 1 "
                            + "and 16");
                } else {
                    numCoroutines = m;
                }
            }
            case 'r' -> number("rate limit", v);
            default -> throw new IllegalStateException("no option -" + c);
        }
    }

    private void sparse(String v) {
        long n = number("buffer size for sparse output", v);
        if (n < 0) {
            return;
        }
        if (n % 512 != 0 || n / 512 > MAX_BUF_SECTORS) {
            errors.add("qemu-img: Invalid buffer size for sparse output specified. Valid sizes are multiples of "
                    + "512 up to " + MAX_BUF_SECTORS * 512 + ". Select 0 to disable sparse detection (fully "
                    + "allocates output).");
            return;
        }
        minSparse = (int) (n / 512);
        explicitMinSparse = true;
    }

    /** qemu-img's cvtnum: a size with an optional suffix, or its two lines and -1. */
    private long number(String name, String v) {
        try {
            return Cvtnum.parse(v);
        } catch (Cvtnum.NumberException e) {
            errors.add("qemu-img: Invalid " + name + " specified. You may use k, M, G, T, P or E suffixes for");
            errors.add("qemu-img: kilobytes, megabytes, gigabytes, terabytes, petabytes and exabytes.");
            return -1;
        }
    }

    /** error_exit: the line and qemu-img's hint. */
    private void fail(String line) {
        errors.add("qemu-img: " + line);
        errors.add("Try 'qemu-img --help' for more information");
    }
}
