package dev.blockstep.trace.qemuio;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * glibc getopt as qemu-io uses it: clustered flags, attached or separate values, operands anywhere, "--". qemu-io's
 * command functions act on each option as getopt returns it (a bad pattern byte fails before a later unknown option
 * is seen, {@code aio_read -i} returns at once), so a {@link Hook} sees the options in that order.
 */
final class Getopt {
    final Map<Character, String> options = new TreeMap<>();
    /** Every value of each option, in argument order (a later one replaces an earlier one in {@link #options}). */
    private final Map<Character, List<String>> every = new TreeMap<>();
    final List<String> operands = new ArrayList<>();
    final String usage;
    /** The option whose hook ended the parse, or 0 when getopt ran to the end. */
    char stoppedAt;

    /** What the command's getopt loop does with one option, in argument order. */
    interface Hook {
        /** Checks {@code value} (throwing qemu's error); true when the command returns here, ignoring the rest. */
        boolean seen(char option, String value) throws QemuIoSyntaxException;
    }

    private static final Hook NONE = (c, v) -> false;

    private Getopt(String usage) {
        this.usage = usage;
    }

    boolean has(char c) {
        return options.containsKey(c);
    }

    String value(char c) {
        return options.get(c);
    }

    List<String> values(char c) {
        return every.getOrDefault(c, List.of());
    }

    static Getopt parse(String cmd, List<String> args, String spec, String where, String usage)
            throws QemuIoSyntaxException {
        return parse(cmd, args, spec, where, usage, NONE);
    }

    static Getopt parse(String cmd, List<String> args, String spec, String where, String usage, Hook hook)
            throws QemuIoSyntaxException {
        Getopt g = new Getopt(usage);
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--")) {
                g.operands.addAll(args.subList(i + 1, args.size()));
                break;
            }
            if (a.length() < 2 || a.charAt(0) != '-') {
                g.operands.add(a);
                continue;
            }
            for (int j = 1; j < a.length(); j++) {
                char c = a.charAt(j);
                int at = spec.indexOf(c);
                if (at < 0 || c == ':') {
                    throw new QemuIoSyntaxException(where, cmd + ": invalid option -- '" + c + "'", true, usage);
                }
                boolean takesValue = at + 1 < spec.length() && spec.charAt(at + 1) == ':';
                String value;
                if (!takesValue) {
                    value = "";
                } else if (j + 1 < a.length()) {
                    value = a.substring(j + 1);
                    j = a.length();
                } else if (i + 1 < args.size()) {
                    value = args.get(++i);
                } else {
                    throw new QemuIoSyntaxException(where, cmd + ": option requires an argument -- '" + c + "'", true,
                            usage);
                }
                g.options.put(c, value);
                g.every.computeIfAbsent(c, k -> new ArrayList<>()).add(value);
                if (hook.seen(c, value)) {
                    g.stoppedAt = c;
                    return g;
                }
            }
        }
        return g;
    }
}
