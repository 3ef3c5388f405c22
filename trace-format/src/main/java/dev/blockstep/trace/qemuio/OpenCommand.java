package dev.blockstep.trace.qemuio;

import java.util.List;

/**
 * qemu-io's {@code open} as open_f reads its options: the cache, discard and aio modes are checked before
 * openfile runs, and a bad one is refused with qemu-io's line, whether or not a file is open already.
 */
final class OpenCommand {
    static final String USAGE = "open [-rsCnkU] [-t cache] [-d discard] [-o options] [path] -- open the file "
            + "specified by path";

    /** bdrv_parse_cache_mode's names. */
    private static final List<String> CACHE_MODES = List.of("none", "off", "writeback", "unsafe", "directsync",
            "writethrough");

    private OpenCommand() {
    }

    static QemuIoCommand parse(String name, List<String> args, String where) throws QemuIoSyntaxException {
        if (args.isEmpty()) {
            throw new QemuIoSyntaxException(where, "bad argument count 0 to " + name
                    + ", expected at least 1 arguments", true);
        }
        Getopt g = Getopt.parse(name, args, "snCro:ki:t:d:U", where, USAGE);
        if (g.has('t') && !CACHE_MODES.contains(g.value('t'))) {
            throw new QemuIoSyntaxException(where, "qemu-io: Invalid cache option: " + g.value('t'), true);
        }
        if (g.has('d') && !List.of("ignore", "off", "unmap", "on").contains(g.value('d'))) {
            throw new QemuIoSyntaxException(where, "qemu-io: Invalid discard option: " + g.value('d'), true);
        }
        if (g.has('i') && !List.of("threads", "native", "io_uring").contains(g.value('i'))) {
            throw new QemuIoSyntaxException(where, "qemu-io: Invalid aio option: " + g.value('i'), true);
        }
        if (g.operands.size() > 1) {
            throw new QemuIoSyntaxException(where, USAGE, false);
        }
        QemuOpts options = null;
        for (String o : g.values('o')) {
            options = options == null ? QemuOpts.parse(o) : options.merge(QemuOpts.parse(o));
        }
        return new QemuIoCommand.Open(String.join(" ", args), new QemuIoCommand.OpenOptions(
                g.operands.isEmpty() ? null : g.operands.get(0), g.has('r'), g.has('s'), g.has('C'), g.has('n'),
                g.has('k'), g.has('U'), g.value('t'), g.value('d'), g.value('i'), options));
    }

    static final String REOPEN_USAGE = "reopen [(-r|-w)] [-c cache] [-o options] -- reopens an image with new options";

    /** reopen_f's options, refused in the order getopt hands them over: a second -r/-w, a bad cache mode. */
    static QemuIoCommand reopen(String name, List<String> args, String where) throws QemuIoSyntaxException {
        Boolean readOnly = null;
        String cache = null;
        QemuOpts options = null;
        boolean operands = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--")) {
                operands |= i + 1 < args.size();
                break;
            }
            if (a.length() < 2 || a.charAt(0) != '-') {
                operands = true;
                continue;
            }
            for (int j = 1; j < a.length(); j++) {
                char c = a.charAt(j);
                if (c == 'r' || c == 'w') {
                    if (readOnly != null) {
                        throw new QemuIoSyntaxException(where, "qemu-io: Only one -r/-w option may be given", true);
                    }
                    readOnly = c == 'r';
                    continue;
                }
                if (c != 'c' && c != 'o') {
                    throw new QemuIoSyntaxException(where, name + ": invalid option -- '" + c + "'", true,
                            REOPEN_USAGE);
                }
                String value;
                if (j + 1 < a.length()) {
                    value = a.substring(j + 1);
                } else if (i + 1 < args.size()) {
                    value = args.get(++i);
                } else {
                    throw new QemuIoSyntaxException(where, name + ": option requires an argument -- '" + c + "'",
                            true, REOPEN_USAGE);
                }
                if (c == 'c' && !CACHE_MODES.contains(value)) {
                    throw new QemuIoSyntaxException(where, "qemu-io: Invalid cache option: " + value, true);
                }
                if (c == 'c') {
                    cache = value;
                } else {
                    // reopen_opts merges every -o into one list
                    options = options == null ? QemuOpts.parse(value) : options.merge(QemuOpts.parse(value));
                }
                break;
            }
        }
        if (operands) {
            throw new QemuIoSyntaxException(where, REOPEN_USAGE, false);
        }
        return new QemuIoCommand.Reopen(readOnly, String.join(" ", args), cache, options);
    }
}
