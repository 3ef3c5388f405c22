package dev.blockstep.trace.qemuio;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** glibc getopt as qemu-io uses it: clustered flags, attached or separate values, operands anywhere, "--". */
final class Getopt {
    final Map<Character, String> options = new TreeMap<>();
    final List<String> operands = new ArrayList<>();
    final String usage;

    private Getopt(String usage) {
        this.usage = usage;
    }

    boolean has(char c) {
        return options.containsKey(c);
    }

    String value(char c) {
        return options.get(c);
    }

    static Getopt parse(String cmd, List<String> args, String spec, String where, String usage)
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
                if (!takesValue) {
                    g.options.put(c, "");
                    continue;
                }
                if (j + 1 < a.length()) {
                    g.options.put(c, a.substring(j + 1));
                } else if (i + 1 < args.size()) {
                    g.options.put(c, args.get(++i));
                } else {
                    throw new QemuIoSyntaxException(where, cmd + ": option requires an argument -- '" + c + "'", true,
                            usage);
                }
                break;
            }
        }
        return g;
    }
}
