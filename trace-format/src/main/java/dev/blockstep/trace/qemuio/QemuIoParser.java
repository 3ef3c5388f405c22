package dev.blockstep.trace.qemuio;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Parses qemu-io command lines the way qemu-io 7.2 does: whitespace-separated words, getopt-style flags
 * (clustered {@code -zu}, attached {@code -P0x22}, flags after operands), qemu's argument-count check
 * and qemu's error texts.
 */
public final class QemuIoParser {

    /** BDRV_REQUEST_MAX_BYTES: the largest single request qemu-io accepts. */
    public static final long REQUEST_MAX_BYTES = 2147483136L;

    private QemuIoParser() {
    }

    /** A whole script, one command per line; blank lines are skipped as qemu-io skips them. */
    public static List<QemuIoCommand> parseScript(String text, String source) throws QemuIoSyntaxException {
        List<QemuIoCommand> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            parseLine(lines[i], source, i + 1).ifPresent(out::add);
        }
        return out;
    }

    /** One line; empty when it holds no command. */
    public static Optional<QemuIoCommand> parseLine(String line, String source, int lineNo)
            throws QemuIoSyntaxException {
        String[] words = line.strip().split("\\s+");
        if (words.length == 0 || words[0].isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(parseWords(List.of(words), source + ":" + lineNo));
    }

    public static QemuIoCommand parseWords(List<String> words, String where) throws QemuIoSyntaxException {
        String name = words.get(0);
        List<String> args = words.subList(1, words.size());
        return switch (name) {
            case "write", "w" -> write(args, where, false);
            case "aio_write" -> write(args, where, true);
            case "read", "r" -> read(args, where);
            case "discard" -> discard(args, where);
            case "flush", "f" -> noArgs("flush", args, where, new QemuIoCommand.Flush());
            case "aio_flush" -> noArgs("aio_flush", args, where, new QemuIoCommand.AioFlush());
            default -> throw new QemuIoSyntaxException(where, "command \"" + name + "\" not found", true);
        };
    }

    private static QemuIoCommand write(List<String> args, String where, boolean aio) throws QemuIoSyntaxException {
        String cmd = aio ? "aio_write" : "write";
        atLeast(cmd, args, 2, where);
        Getopt g = Getopt.parse(cmd, args, aio ? "CfiquzP:" : "bcCfnpquzP:s:", where,
                aio ? "aio_write [-Cfiquz] [-P pattern] off len [len..] -- asynchronously writes a number of bytes"
                        : "write [-bcCfnquz] [-P pattern | -s source_file] off len -- writes a number of bytes at a specified offset");
        for (char unsupported : new char[] {'b', 'c', 'C', 'n', 'p', 's', 'i'}) {
            if (g.has(unsupported)) {
                throw new QemuIoSyntaxException(where, cmd + ": option -" + unsupported
                        + " is not supported by blockstep (supported: -P, -z, -u, -q, -f)", false);
            }
        }
        int expectedOperands = aio ? -1 : 2;
        if (aio ? g.operands.size() < 2 : g.operands.size() != expectedOperands) {
            throw new QemuIoSyntaxException(where, g.usage, false);
        }
        boolean zero = g.has('z');
        boolean unmap = g.has('u');
        if (unmap && !zero) {
            throw new QemuIoSyntaxException(where, "-u requires -z to be specified", false);
        }
        if (zero && g.has('P')) {
            throw new QemuIoSyntaxException(where, "Only one of -z, -P, and -s can be specified at the same time", false);
        }
        if (aio && zero && g.operands.size() > 2) {
            throw new QemuIoSyntaxException(where, "-z supports only a single length parameter", false);
        }
        int pattern = g.has('P') ? pattern(g.value('P'), where) : QemuIoCommand.DEFAULT_WRITE_PATTERN;
        long offset = number(g.operands.get(0), where);
        long length = 0;
        for (String len : g.operands.subList(1, g.operands.size())) {
            long l = number(len, where);
            if (l > REQUEST_MAX_BYTES) {
                throw new QemuIoSyntaxException(where, "length cannot exceed " + REQUEST_MAX_BYTES + ", given " + len, false);
            }
            length += l;
        }
        if (length > REQUEST_MAX_BYTES) {
            throw new QemuIoSyntaxException(where, "length cannot exceed " + REQUEST_MAX_BYTES + ", given "
                    + length, false);
        }
        boolean quiet = g.has('q');
        return aio ? new QemuIoCommand.AioWrite(offset, length, pattern, zero, unmap, quiet)
                : new QemuIoCommand.Write(offset, length, pattern, zero, unmap, quiet);
    }

    private static QemuIoCommand read(List<String> args, String where) throws QemuIoSyntaxException {
        atLeast("read", args, 2, where);
        Getopt g = Getopt.parse("read", args, "abCqvpP:s:l:", where,
                "read [-abCqv] [-P pattern [-s off] [-l len]] off len -- reads a number of bytes at a specified offset");
        for (char unsupported : new char[] {'a', 'b', 'C', 'v', 'p', 's', 'l'}) {
            if (g.has(unsupported)) {
                throw new QemuIoSyntaxException(where, "read: option -" + unsupported
                        + " is not supported by blockstep (supported: -P, -q)", false);
            }
        }
        if (g.operands.size() != 2) {
            throw new QemuIoSyntaxException(where, g.usage, false);
        }
        OptionalInt pattern = g.has('P') ? OptionalInt.of(pattern(g.value('P'), where)) : OptionalInt.empty();
        long offset = number(g.operands.get(0), where);
        long length = number(g.operands.get(1), where);
        if (length > REQUEST_MAX_BYTES) {
            throw new QemuIoSyntaxException(where, "length cannot exceed " + REQUEST_MAX_BYTES + ", given "
                    + g.operands.get(1), false);
        }
        return new QemuIoCommand.Read(offset, length, pattern, g.has('q'));
    }

    private static QemuIoCommand discard(List<String> args, String where) throws QemuIoSyntaxException {
        atLeast("discard", args, 2, where);
        Getopt g = Getopt.parse("discard", args, "Cq", where,
                "discard [-Cq] off len -- discards a number of bytes at a specified offset");
        if (g.has('C')) {
            throw new QemuIoSyntaxException(where, "discard: option -C is not supported by blockstep (supported: -q)", false);
        }
        if (g.operands.size() != 2) {
            throw new QemuIoSyntaxException(where, g.usage, false);
        }
        long offset = number(g.operands.get(0), where);
        long length = number(g.operands.get(1), where);
        if (length > REQUEST_MAX_BYTES) {
            throw new QemuIoSyntaxException(where, "length cannot exceed " + REQUEST_MAX_BYTES + ", given "
                    + g.operands.get(1), false);
        }
        return new QemuIoCommand.Discard(offset, length, g.has('q'));
    }

    private static QemuIoCommand noArgs(String cmd, List<String> args, String where, QemuIoCommand c)
            throws QemuIoSyntaxException {
        if (!args.isEmpty()) {
            throw new QemuIoSyntaxException(where, "bad argument count " + args.size() + " to " + cmd
                    + ", expected 0 arguments", true);
        }
        return c;
    }

    private static void atLeast(String cmd, List<String> args, int min, String where) throws QemuIoSyntaxException {
        if (args.size() < min) {
            throw new QemuIoSyntaxException(where, "bad argument count " + args.size() + " to " + cmd
                    + ", expected at least " + min + " arguments", true);
        }
    }

    static int pattern(String text, String where) throws QemuIoSyntaxException {
        try {
            long v;
            if (text.startsWith("0x") || text.startsWith("0X")) {
                v = Long.parseLong(text.substring(2), 16);
            } else if (text.length() > 1 && text.startsWith("0")) {
                v = Long.parseLong(text.substring(1), 8);
            } else {
                v = Long.parseLong(text);
            }
            if (v >= 0 && v <= 255) {
                return (int) v;
            }
        } catch (NumberFormatException e) {
            // falls through to qemu's message
        }
        throw new QemuIoSyntaxException(where, text + " is not a valid pattern byte", false);
    }

    static long number(String text, String where) throws QemuIoSyntaxException {
        try {
            return Cvtnum.parse(text);
        } catch (Cvtnum.NumberException e) {
            throw new QemuIoSyntaxException(where, e.getMessage(), false);
        }
    }
}
