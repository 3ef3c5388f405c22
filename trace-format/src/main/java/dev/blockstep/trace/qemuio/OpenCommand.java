package dev.blockstep.trace.qemuio;

import java.util.List;

/**
 * qemu-io's {@code open} as open_f reads its options: the cache, discard and aio modes are checked before
 * openfile runs, and a bad one is refused with qemu-io's line, whether or not a file is open already.
 */
final class OpenCommand {
    static final String USAGE = "open [-rsCnkU] [-t cache] [-d discard] [-o options] [path] -- open the file "
            + "specified by path";

    private OpenCommand() {
    }

    static QemuIoCommand parse(String name, List<String> args, String where) throws QemuIoSyntaxException {
        if (args.isEmpty()) {
            throw new QemuIoSyntaxException(where, "bad argument count 0 to " + name
                    + ", expected at least 1 arguments", true);
        }
        Getopt g = Getopt.parse(name, args, "snCro:ki:t:d:U", where, USAGE);
        if (g.has('t') && !List.of("none", "off", "writeback", "unsafe", "directsync", "writethrough")
                .contains(g.value('t'))) {
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
        return new QemuIoCommand.Open(String.join(" ", args));
    }
}
