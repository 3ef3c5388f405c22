package dev.blockstep.app.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * qemu-img's own option parsing for the subcommands that read their arguments with glibc getopt_long and a leading
 * ':' in the short spec (resize, commit, amend): operands anywhere, "--" ends options, clustered flags, attached or
 * separate values, long options as {@code --name=value} or {@code --name value}, unambiguous prefixes of long names.
 * A bad option ends the parse with error_exit's two lines, as qemu-img's missing_argument and unrecognized_option do.
 * picocli cannot stand in here: resize's size may start with '-', and the options are read in command-line order.
 */
final class QemuImgArgs {

    /** One option as getopt returned it: a short letter, or a long option's full name; value null for a flag. */
    record Opt(String name, String value) {
    }

    /** The options in command-line order and the operands, or the error lines when getopt refused the line. */
    record Parsed(List<Opt> options, List<String> operands, List<String> error) {
    }

    private QemuImgArgs() {
    }

    /**
     * Parses {@code args} as getopt_long(argc, argv, spec, longs) does.
     *
     * @param command   the subcommand, argv[0] to qemu-img's getopt
     * @param spec      the short options, as in C, without the leading ':'
     * @param withValue the long options that take a value
     * @param flags     the long options that take none
     */
    static Parsed parse(String command, List<String> args, String spec, Set<String> withValue, Set<String> flags) {
        List<Opt> options = new ArrayList<>();
        List<String> operands = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--")) {
                operands.addAll(args.subList(i + 1, args.size()));
                break;
            }
            if (a.startsWith("--")) {
                int eq = a.indexOf('=');
                String typed = a.substring(2, eq < 0 ? a.length() : eq);
                String name = longName(typed, withValue, flags);
                if (name == null) {
                    return failed("unrecognized option '" + a + "'");
                }
                if (flags.contains(name)) {
                    if (eq >= 0) {
                        return failed("unrecognized option '" + a + "'");
                    }
                    options.add(new Opt(name, null));
                } else if (eq >= 0) {
                    options.add(new Opt(name, a.substring(eq + 1)));
                } else if (i + 1 < args.size()) {
                    options.add(new Opt(name, args.get(++i)));
                } else {
                    return failed("missing argument for option '" + a + "'");
                }
                continue;
            }
            if (a.length() < 2 || a.charAt(0) != '-') {
                operands.add(a);
                continue;
            }
            for (int j = 1; j < a.length(); j++) {
                char c = a.charAt(j);
                int at = spec.indexOf(c);
                if (at < 0 || c == ':') {
                    // qemu-img names argv[optind - 1]: the whole word, which getopt has passed only at its end
                    return failed("unrecognized option '" + (j + 1 < a.length() ? prev(command, args, i) : a) + "'");
                }
                boolean takesValue = at + 1 < spec.length() && spec.charAt(at + 1) == ':';
                if (!takesValue) {
                    options.add(new Opt(String.valueOf(c), null));
                } else if (j + 1 < a.length()) {
                    options.add(new Opt(String.valueOf(c), a.substring(j + 1)));
                    break;
                } else if (i + 1 < args.size()) {
                    options.add(new Opt(String.valueOf(c), args.get(++i)));
                    break;
                } else {
                    return failed("missing argument for option '" + a + "'");
                }
            }
        }
        return new Parsed(options, operands, null);
    }

    /** argv[optind - 1] while getopt is still inside word {@code i}: the word before it (the command's own name). */
    private static String prev(String command, List<String> args, int i) {
        return i == 0 ? command : args.get(i - 1);
    }

    /** The long option {@code typed} names exactly, or as the only one it is a prefix of; null otherwise. */
    private static String longName(String typed, Set<String> withValue, Set<String> flags) {
        List<String> all = new ArrayList<>(withValue);
        all.addAll(flags);
        if (all.contains(typed)) {
            return typed;
        }
        List<String> prefixed = all.stream().filter(n -> n.startsWith(typed)).toList();
        return !typed.isEmpty() && prefixed.size() == 1 ? prefixed.get(0) : null;
    }

    /** What a subcommand does with its streams, which {@link #run} flushes either way (picocli's do not flush). */
    @FunctionalInterface
    interface Body {
        int run(java.io.PrintWriter out, java.io.PrintWriter err);
    }

    static int run(picocli.CommandLine.Model.CommandSpec spec, Body body) {
        java.io.PrintWriter out = spec.commandLine().getOut();
        java.io.PrintWriter err = spec.commandLine().getErr();
        try {
            return body.run(out, err);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** Prints qemu-img's error lines; exit code 1. */
    static int fail(java.io.PrintWriter err, List<String> lines) {
        lines.forEach(err::println);
        return 1;
    }

    /** error_exit's lines. */
    static List<String> exitLines(String message) {
        return List.of("qemu-img: " + message, "Try 'qemu-img --help' for more information");
    }

    private static Parsed failed(String message) {
        return new Parsed(List.of(), List.of(), exitLines(message));
    }
}
