package dev.blockstep.trace.qemuio;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Parses qemu-io command lines the way qemu-io 7.2 does: space-separated words, getopt-style flags
 * (clustered {@code -zu}, attached {@code -P0x22}, flags after operands), qemu's argument-count check
 * and qemu's error texts.
 */
public final class QemuIoParser {

    /** BDRV_REQUEST_MAX_BYTES: the largest single request qemu-io accepts. */
    public static final long REQUEST_MAX_BYTES = 2147483136L;

    private QemuIoParser() {
    }

    /** A whole script, one command per line, up to quit; blank lines are skipped as qemu-io skips them. */
    public static List<QemuIoCommand> parseScript(String text, String source) throws QemuIoSyntaxException {
        List<QemuIoCommand> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Optional<QemuIoCommand> c = parseLine(lines[i], source, i + 1);
            if (c.isPresent() && c.get() instanceof QemuIoCommand.Quit) {
                break;
            }
            c.ifPresent(out::add);
        }
        return out;
    }

    /** One line; empty when it holds no command. */
    public static Optional<QemuIoCommand> parseLine(String line, String source, int lineNo)
            throws QemuIoSyntaxException {
        // breakline splits at spaces only: a tab or a carriage return stays part of a word, as in qemu-io
        List<String> words = new ArrayList<>();
        for (String w : line.split(" ")) {
            if (!w.isEmpty()) {
                words.add(w);
            }
        }
        if (words.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(parseWords(words, source + ":" + lineNo));
    }

    public static QemuIoCommand parseWords(List<String> words, String where) throws QemuIoSyntaxException {
        String name = words.get(0);
        List<String> args = words.subList(1, words.size());
        return switch (name) {
            case "write", "w" -> WriteCommand.write(args, where);
            case "aio_write" -> WriteCommand.aioWrite(args, where);
            case "read", "r" -> read(args, where);
            case "writev" -> writev(args, where);
            case "readv" -> readv(args, where, false);
            case "aio_read" -> readv(args, where, true);
            case "discard", "d" -> discard(args, where);
            case "length", "l" -> noArgs(name, args, where, new QemuIoCommand.Length());
            case "map" -> noArgs(name, args, where, new QemuIoCommand.Map());
            case "alloc", "a" -> alloc(name, args, where);
            case "sleep" -> sleep(name, args, where);
            case "quit", "q" -> new QemuIoCommand.Quit();
            case "flush", "f" -> noArgs(name, args, where, new QemuIoCommand.Flush());
            case "aio_flush" -> noArgs(name, args, where, new QemuIoCommand.AioFlush());
            case "info", "i" -> noArgs(name, args, where, new QemuIoCommand.Info());
            case "close", "c" -> noArgs(name, args, where, new QemuIoCommand.Close());
            case "help", "?" -> help(name, args, where);
            case "open", "o" -> OpenCommand.parse(name, args, where);
            case "reopen" -> OpenCommand.reopen(name, args, where);
            case "truncate", "t" -> truncate(name, args, where);
            case "sigraise" -> sigraise(args, where);
            case "abort" -> noArgs(name, args, where, new QemuIoCommand.Exit(QemuIoCommand.Exit.SIGABRT));
            default -> throw new QemuIoSyntaxException(where, "command \"" + name + "\" not found", true);
        };
    }

    /** Command words qemu-io 7.2 runs without an open file: help, quit, open and sleep, under either name. */
    private static final java.util.Set<String> NO_FILE_NEEDED = java.util.Set.of("help", "?", "quit", "q", "open", "o",
            "sleep", "sigraise", "abort");

    /**
     * Whether qemu-io refuses the command word {@code name} with "no file open" once the image is closed
     * (init_check_command runs before the argument count is checked, so the arguments do not matter).
     */
    public static boolean needsOpenFile(String name) {
        return QemuIoHelp.knows(name) && !NO_FILE_NEEDED.contains(name);
    }

    private static QemuIoCommand help(String name, List<String> args, String where) throws QemuIoSyntaxException {
        if (args.size() > 1) {
            throw new QemuIoSyntaxException(where, "bad argument count " + args.size() + " to " + name
                    + ", expected between 0 and 1 arguments", true);
        }
        return new QemuIoCommand.Help(args.isEmpty() ? "" : args.get(0));
    }

    /** read_f: -P, -s and -l are checked as getopt returns them; the operands before the pattern range. */
    private static QemuIoCommand read(List<String> args, String where) throws QemuIoSyntaxException {
        atLeast("read", args, 2, where);
        Getopt g = Getopt.parse("read", args, "bCl:pP:qs:v", where,
                "read [-abCqv] [-P pattern [-s off] [-l len]] off len -- reads a number of bytes at a specified offset",
                (c, v) -> {
                    if (c == 'l' || c == 's') {
                        number(v, where);
                    }
                    return WriteCommand.patternHook(c, v, where);
                });
        if (g.operands.size() != 2) {
            throw new QemuIoSyntaxException(where, g.usage, false);
        }
        long offset = number(g.operands.get(0), where);
        long length = number(g.operands.get(1), where);
        if (length > REQUEST_MAX_BYTES) {
            throw new QemuIoSyntaxException(where, "length cannot exceed " + REQUEST_MAX_BYTES + ", given "
                    + g.operands.get(1), false);
        }
        if (!g.has('P') && (g.has('s') || g.has('l'))) {
            throw new QemuIoSyntaxException(where, g.usage, false);
        }
        OptionalInt pattern = g.has('P') ? OptionalInt.of(pattern(g.value('P'), where)) : OptionalInt.empty();
        long checkOffset = g.has('s') ? number(g.value('s'), where) : 0;
        long checkLength = g.has('l') ? number(g.value('l'), where) : length - checkOffset;
        if (checkLength < 0 || checkOffset + checkLength > length) {
            throw new QemuIoSyntaxException(where, "pattern verification range exceeds end of read data", false);
        }
        if (g.has('b')) {
            WriteCommand.sectorAligned(offset, "offset", where);
            WriteCommand.sectorAligned(length, "count", where);
            return new QemuIoCommand.LoadVmstate(offset, length, pattern, checkOffset, checkLength, g.has('q'),
                    g.has('v'), g.has('C'));
        }
        return new QemuIoCommand.Read(offset, length, pattern, checkOffset, checkLength, g.has('q'), g.has('v'),
                g.has('C'));
    }

    private static QemuIoCommand writev(List<String> args, String where) throws QemuIoSyntaxException {
        atLeast("writev", args, 2, where);
        Getopt g = Getopt.parse("writev", args, "CfqP:", where,
                "writev [-Cfq] [-P pattern] off len [len..] -- writes a number of bytes at a specified offset",
                (c, v) -> WriteCommand.patternHook(c, v, where));
        if (g.operands.size() < 2) {
            throw new QemuIoSyntaxException(where, g.usage, false);
        }
        long offset = number(g.operands.get(0), where);
        long length = vectorLength(g.operands, where);
        int pattern = g.has('P') ? pattern(g.value('P'), where) : QemuIoCommand.DEFAULT_WRITE_PATTERN;
        return new QemuIoCommand.Writev(offset, length, pattern, g.has('q'), g.has('C'));
    }

    private static QemuIoCommand readv(List<String> args, String where, boolean aio) throws QemuIoSyntaxException {
        String cmd = aio ? "aio_read" : "readv";
        atLeast(cmd, args, 2, where);
        Getopt g = Getopt.parse(cmd, args, aio ? "CP:iqv" : "CP:qv", where, aio
                ? "aio_read [-Ciqv] [-P pattern] off len [len..] -- asynchronously reads a number of bytes"
                : "readv [-Cqv] [-P pattern] off len [len..] -- reads a number of bytes at a specified offset",
                (c, v) -> c == 'i' || WriteCommand.patternHook(c, v, where));
        if (g.stoppedAt == 'i') {
            return new QemuIoCommand.InvalidRequest(false);
        }
        if (g.operands.size() < 2) {
            throw new QemuIoSyntaxException(where, g.usage, false);
        }
        long offset = number(g.operands.get(0), where);
        long length = vectorLength(g.operands, where);
        OptionalInt pattern = g.has('P') ? OptionalInt.of(pattern(g.value('P'), where)) : OptionalInt.empty();
        return aio ? new QemuIoCommand.AioRead(offset, length, pattern, g.has('q'), g.has('v'), g.has('C'))
                : new QemuIoCommand.Readv(offset, length, pattern, g.has('q'), g.has('v'), g.has('C'));
    }

    /** create_iovec's checks on the lengths after the offset; their sum. */
    static long vectorLength(List<String> operands, String where) throws QemuIoSyntaxException {
        long count = 0;
        for (String arg : operands.subList(1, operands.size())) {
            long len = number(arg, where);
            if (len > REQUEST_MAX_BYTES) {
                throw new QemuIoSyntaxException(where, "Argument '" + arg + "' exceeds maximum size "
                        + REQUEST_MAX_BYTES, false);
            }
            if (count > REQUEST_MAX_BYTES - len) {
                throw new QemuIoSyntaxException(where, "The total number of bytes exceed the maximum size "
                        + REQUEST_MAX_BYTES, false);
            }
            count += len;
        }
        return count;
    }

    private static QemuIoCommand alloc(String name, List<String> args, String where) throws QemuIoSyntaxException {
        if (args.isEmpty() || args.size() > 2) {
            throw new QemuIoSyntaxException(where, "bad argument count " + args.size() + " to " + name
                    + ", expected between 1 and 2 arguments", true);
        }
        long offset = number(args.get(0), where);
        long count = args.size() == 2 ? number(args.get(1), where) : 512;
        return new QemuIoCommand.Alloc(offset, count);
    }

    private static final List<String> PREALLOC_MODES = List.of("off", "metadata", "falloc", "full");

    private static QemuIoCommand truncate(String name, List<String> args, String where) throws QemuIoSyntaxException {
        if (args.isEmpty() || args.size() > 3) {
            throw new QemuIoSyntaxException(where, "bad argument count " + args.size() + " to " + name
                    + ", expected between 1 and 3 arguments", true);
        }
        Getopt g = Getopt.parse(name, args, "m:", where,
                "truncate [-m prealloc_mode] off -- truncates the current file at the given offset");
        String prealloc = g.has('m') ? g.value('m') : "off";
        if (!PREALLOC_MODES.contains(prealloc)) {
            throw new QemuIoSyntaxException(where, "qemu-io: Invalid preallocation mode '" + prealloc + "'", true);
        }
        if (g.operands.isEmpty()) {
            // qemu-io would read past its arguments here
            throw new QemuIoSyntaxException(where, g.usage, false);
        }
        String operand = g.operands.get(0);
        try {
            return new QemuIoCommand.Truncate(Cvtnum.parse(operand), prealloc);
        } catch (Cvtnum.NumberException e) {
            // truncate_f names its first argument in the message, whichever word failed to parse
            String m = e.getMessage();
            throw new QemuIoSyntaxException(where, m.substring(0, m.length() - operand.length()) + args.get(0), false);
        }
    }

    private static QemuIoCommand sleep(String name, List<String> args, String where) throws QemuIoSyntaxException {
        if (args.size() != 1) {
            throw new QemuIoSyntaxException(where, "bad argument count " + args.size() + " to " + name
                    + ", expected 1 arguments", true);
        }
        long ms = strtol(args.get(0));
        if (ms < 0) {
            throw new QemuIoSyntaxException(where, args.get(0) + " is not a valid number", false);
        }
        return new QemuIoCommand.Sleep(ms);
    }

    /** sigraise_f: one argument, a number no larger than NSIG (65 on Linux). */
    private static QemuIoCommand sigraise(List<String> args, String where) throws QemuIoSyntaxException {
        if (args.size() != 1) {
            throw new QemuIoSyntaxException(where, "bad argument count " + args.size() + " to sigraise, expected 1 "
                    + "arguments", true);
        }
        long sig;
        try {
            sig = Cvtnum.parse(args.get(0));
        } catch (Cvtnum.NumberException e) {
            throw new QemuIoSyntaxException(where, e.getMessage(), false);
        }
        if (sig > 65) {
            throw new QemuIoSyntaxException(where, "signal argument '" + args.get(0) + "' is too large to be a valid "
                    + "signal", false);
        }
        return new QemuIoCommand.Exit((int) sig);
    }

    /** C's strtol with base 0 over the whole word (hex, octal or decimal, optional sign), or -1 if it fails. */
    private static long strtol(String text) {
        CInteger c = CInteger.parse(text.strip());
        if (c == null) {
            return -1;
        }
        if (c.negative()) {
            return c.magnitude().signum() == 0 ? 0 : -1;
        }
        // strtol saturates at LONG_MAX on overflow
        return c.magnitude().bitLength() > 63 ? Long.MAX_VALUE : c.magnitude().longValue();
    }

    private static QemuIoCommand discard(List<String> args, String where) throws QemuIoSyntaxException {
        atLeast("discard", args, 2, where);
        Getopt g = Getopt.parse("discard", args, "Cq", where,
                "discard [-Cq] off len -- discards a number of bytes at a specified offset");
        if (g.operands.size() != 2) {
            throw new QemuIoSyntaxException(where, g.usage, false);
        }
        long offset = number(g.operands.get(0), where);
        long length = number(g.operands.get(1), where);
        if (length > REQUEST_MAX_BYTES) {
            throw new QemuIoSyntaxException(where, "length cannot exceed " + REQUEST_MAX_BYTES + ", given "
                    + g.operands.get(1), false);
        }
        return new QemuIoCommand.Discard(offset, length, g.has('q'), false, g.has('C'));
    }

    private static QemuIoCommand noArgs(String cmd, List<String> args, String where, QemuIoCommand c)
            throws QemuIoSyntaxException {
        if (!args.isEmpty()) {
            throw new QemuIoSyntaxException(where, "bad argument count " + args.size() + " to " + cmd
                    + ", expected 0 arguments", true);
        }
        return c;
    }

    static void atLeast(String cmd, List<String> args, int min, String where) throws QemuIoSyntaxException {
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
