package dev.blockstep.engine.qemuio;

import dev.blockstep.engine.block.BlockNode;
import dev.blockstep.engine.block.QemuIoMain;
import dev.blockstep.engine.block.QemuIoReport;
import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.coroutine.SchedulingPolicy;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.session.Engine;
import dev.blockstep.engine.session.Workload;
import dev.blockstep.engine.block.BlockStack;
import dev.blockstep.engine.block.CommandSource;
import dev.blockstep.engine.qcow2.BackingImage;
import dev.blockstep.engine.qcow2.OptionValues;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import dev.blockstep.trace.qemuio.QemuIoParser;
import dev.blockstep.trace.qemuio.QemuIoSyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

/**
 * One qemu-io 7.2 session over the coroutine engine, printed as qemu-io prints it: prompts, syntax errors and
 * each command's lines in place, print_report's timing line after every result. Without a seed the scheduler
 * is FIFO, so synchronous commands run their request to completion one after the other; with a seed every
 * open choice is a seeded draw. A timing line gives the wall time from the command's issue to its completion.
 */
public final class QemuIoScript {
    /** Where qemu-io's output goes: {@code out} takes raw stdout text (a prompt has no newline), {@code err} lines. */
    public interface Console {
        void out(String text);

        void err(String line);
    }

    /**
     * @param failed whether qemu-io would exit 1: a syntax error, or a synchronous command failed
     * @param stuck  requests were left that could never run (a deadlock; qemu would hang)
     * @param file   the image at the end
     * @param reopenedWritable a {@code reopen -w} made an image opened read-only (-r) writable
     * @param signal the fatal signal the script ended with ({@code sigraise}, {@code abort}), or 0
     */
    public record Result(boolean failed, boolean stuck, HostFile file, int steps, boolean reopenedWritable,
                         int signal) {
    }

    /** Signals whose default action is to ignore them: raise() returns and qemu-io goes on. */
    private static final java.util.Set<Integer> IGNORED_SIGNALS = java.util.Set.of(0, 17, 23, 28);

    /**
     * A script line parsed: the index of its command, or the error qemu-io prints for it, or neither; {@code warnings}
     * are stderr lines printed first (QemuOpts' deprecation warnings).
     */
    private record Entry(int command, QemuIoSyntaxException refused, List<String> warnings) {
    }

    private final List<Entry> entries = new ArrayList<>();
    private final List<QemuIoCommand> commands = new ArrayList<>();

    /**
     * Runs the script on a copy of {@code image}.
     *
     * @param where   names line i (0-based) in syntax errors, e.g. "-c #1" or "&lt;stdin&gt;:1"
     * @param prompts print qemu-io's interactive prompt before every line and at the end (standard input)
     * @throws IllegalArgumentException when the image does not open
     */
    public static Result run(HostFile image, String name, List<String> lines, IntFunction<String> where,
                             boolean prompts, FixVariant fix, Long seed, Console console) {
        return run(image, null, false, BlockStack.QEMU_IO, name, lines, where, prompts, fix, seed, console);
    }

    /**
     * As above, on an image over the backing chain {@code backing} (null for none); {@code readOnly} is
     * qemu-io's -r, under which every command that needs write permission is refused before it runs; {@code stack}
     * carries qemu-io's -t (its cache mode decides whether every write is FUA).
     */
    public static Result run(HostFile image, BackingImage backing, boolean readOnly, BlockStack stack, String name,
                             List<String> lines, IntFunction<String> where, boolean prompts, FixVariant fix, Long seed,
                             Console console) {
        QemuIoSession session = QemuIoSession.of(image, backing, name, readOnly, false, stack);
        return QemuIoSessions.run(session, null, lines, where, prompts, fix, seed, console);
    }

    /** Runs already parsed commands, one per line, without prompts (the benchmark's serial row). */
    public static Result run(HostFile image, String name, List<QemuIoCommand> commands, FixVariant fix, Long seed,
                             Console console) {
        QemuIoScript s = new QemuIoScript(QemuIoSession.of(image, null, name, false, false, BlockStack.QEMU_IO));
        for (QemuIoCommand c : commands) {
            s.entries.add(new Entry(s.commands.size(), null, List.of()));
            s.commands.add(c);
        }
        return s.run(false, true, fix, seed, console);
    }

    /**
     * One open file's part of a script, from line {@code from}: parsed until the end, a quit, a fatal signal, or an
     * open line after a close (which {@link #stopAt} then names), then run.
     *
     * @param session the file open (null: none, until an open line)
     */
    static QemuIoScript parse(QemuIoSession session, List<String> lines, int from, IntFunction<String> where) {
        QemuIoScript s = new QemuIoScript(session);
        for (int i = from; i < lines.size() && !s.quit && s.stopAt < 0; i++) {
            s.parse(lines.get(i), where.apply(i), i);
        }
        return s;
    }

    private QemuIoScript(QemuIoSession session) {
        this.session = session;
        this.closed = session == null;
        if (session != null) {
            this.settings = session.settings();
            this.readOnly = session.readOnly();
        }
    }

    /** The file open as this part begins, or null. */
    private final QemuIoSession session;
    /** The node's options in force at the line being parsed. */
    private NodeSettings settings;
    /** The options each reopen command (by index) leaves in force. */
    private final java.util.Map<Integer, NodeSettings> reopens = new java.util.HashMap<>();
    /** The line of an open after a close that ends this part, or -1. */
    int stopAt = -1;
    /** That open line's options. */
    QemuIoCommand.OpenOptions stopOpen;

    /** A quit line was read: the lines after it are not. */
    private boolean quit;
    /** qemu-io -r. */
    private boolean readOnly;
    /** A reopen -w line was read. */
    private boolean reopenedWritable;
    /** A close line was read: qemu-io has no file for the lines after it. */
    private boolean closed;
    /** The fatal signal a sigraise or abort line raised, or 0. */
    private int signal;

    /** The command words whose cmdinfo asks for BLK_PERM_WRITE, each taking at least two arguments. */
    private static final java.util.Set<String> WRITE_COMMANDS = java.util.Set.of("write", "w", "writev", "aio_write",
            "discard", "d");

    private static boolean needsWrite(QemuIoCommand c) {
        return c instanceof QemuIoCommand.DataWrite || c instanceof QemuIoCommand.WriteFromFile
                || c instanceof QemuIoCommand.Discard
                || c instanceof QemuIoCommand.SaveVmstate || c instanceof QemuIoCommand.Truncate;
    }

    private void parse(String line, String where, int index) {
        int start = 0;
        while (start < line.length() && line.charAt(start) == ' ') {
            start++;
        }
        int end = line.indexOf(' ', start);
        // the first word after leading spaces, with no regex compiled per line
        String word = line.substring(start, end < 0 ? line.length() : end);
        if (closed && QemuIoParser.needsOpenFile(word)) {
            // init_check_command refuses before the arguments are looked at
            entries.add(new Entry(-1, new QemuIoSyntaxException(where, "no file open, try 'help open'", true), List.of()));
            return;
        }
        long words = Arrays.stream(line.split(" ")).filter(w -> !w.isEmpty()).count();
        // truncate takes 1 to 3 arguments, the others at least 2
        boolean counted = word.equals("truncate") || word.equals("t") ? words >= 2 && words <= 4
                : WRITE_COMMANDS.contains(word) && words > 2;
        if (readOnly && counted) {
            // command() asks for BLK_PERM_WRITE after the argument count and before the command reads its options
            entries.add(new Entry(-1, new QemuIoSyntaxException(where, "qemu-io: Block node is read-only", true),
                    List.of()));
            return;
        }
        try {
            QemuIoParser.parseLine(line, where, 1).ifPresentOrElse(c -> {
                if (c instanceof QemuIoCommand.Open o) {
                    if (closed) {
                        stopAt = index;
                        stopOpen = o.options();
                        return;
                    }
                    entries.add(new Entry(-1, new QemuIoSyntaxException(where, "qemu-io: file open already, try "
                            + "'help close'", true), warnings(o.options().options())));
                    return;
                }
                if (c instanceof QemuIoCommand.Close) {
                    closed = true;
                }
                if (readOnly && needsWrite(c)) {
                    // command() asks for BLK_PERM_WRITE first, and the read-only node refuses it
                    entries.add(new Entry(-1, new QemuIoSyntaxException(where, "qemu-io: Block node is read-only",
                            true), List.of()));
                    return;
                }
                if (c instanceof QemuIoCommand.Exit x) {
                    exit(x, where);
                    return;
                }
                if (c instanceof QemuIoCommand.Quit) {
                    // qemu-io reads no further line and prints no further prompt
                    quit = true;
                    entries.add(new Entry(-1, null, List.of()));
                    return;
                }
                List<String> warnings = List.of();
                if (c instanceof QemuIoCommand.Reopen r) {
                    warnings = warnings(r.options());
                    NodeSettings next;
                    try {
                        next = settings.reopen(r.options(), session.header(), session.name(), r.readOnly(),
                                r.cache() != null, r.noFlush(), session.copyOnRead());
                    } catch (OptionValues.OptionException e) {
                        entries.add(new Entry(-1, new QemuIoSyntaxException(where, "qemu-io: " + e.getMessage(),
                                true), warnings));
                        return;
                    }
                    settings = next;
                    reopenedWritable |= readOnly && !next.readOnly();
                    readOnly = next.readOnly();
                    reopens.put(commands.size(), next);
                }
                entries.add(new Entry(commands.size(), null, warnings));
                commands.add(c);
            }, () -> entries.add(new Entry(-1, null, List.of())));
        } catch (QemuIoSyntaxException e) {
            entries.add(new Entry(-1, e, List.of()));
        }
    }

    private static List<String> warnings(dev.blockstep.trace.qemuio.QemuOpts o) {
        return o == null ? List.of() : o.warnings();
    }

    /**
     * sigraise and abort: a signal whose default action is to ignore it changes nothing; SIGKILL and SIGABRT end
     * qemu-io there (no further line is read); the JVM handles the other signals itself, so dying of them is not
     * modelled and the line is refused.
     */
    private void exit(QemuIoCommand.Exit x, String where) {
        if (IGNORED_SIGNALS.contains(x.signal())) {
            entries.add(new Entry(-1, null, List.of()));
            return;
        }
        if (x.signal() != QemuIoCommand.Exit.SIGKILL && x.signal() != QemuIoCommand.Exit.SIGABRT) {
            entries.add(new Entry(-1, new QemuIoSyntaxException(where, "blockstep io: sigraise " + x.signal()
                    + ": only SIGKILL (9) and SIGABRT (6, abort) are modelled", true), List.of()));
            return;
        }
        quit = true;
        signal = x.signal();
        entries.add(new Entry(-1, null, List.of()));
    }

    /** Whether a quit or a fatal signal ended the script in this part. */
    boolean ended() {
        return quit;
    }

    /**
     * Runs this part on the engine (on an empty image when no file is open, which no command reaches);
     * {@code last}: the script ends here, so the final prompt is printed.
     */
    Result run(boolean prompts, boolean last, FixVariant fix, Long seed, Console console) {
        SchedulingPolicy policy = seed == null ? Policies.fifo() : Policies.seededRandom(seed);
        QemuIoSession on = session != null ? session : QemuIoSession.none();
        Engine e = new Engine(new Workload(on.file(), on.name(), CommandSource.of(commands), fix, () -> policy,
                on.stack(), on.backing())).unobserved();
        e.node().copyOnRead(on.copyOnRead());
        if (session != null) {
            // the stack carries the open's discard, detect-zeroes and cache flags; qcow2's options are the driver's
            e.node().driver().updateOptions(0, session.settings().qcow2(), true, false);
            e.node().noFlush(session.settings().noFlush());
        }
        e.main().onReopen(index -> {
            NodeSettings n = reopens.get(index);
            if (n != null) {
                e.node().reopen(n.unmap(), n.detectZeroes());
                e.node().noFlush(n.noFlush());
                e.node().driver().updateOptions(0, n.qcow2(), false, n.readOnly());
            }
        });
        Printer p = new Printer(e.node(), prompts && last, prompts, console, commands.size());
        QemuIoMain main = e.main();
        if (signal != 0) {
            main.killedAtEnd();
        }
        int steps = 0;
        while (true) {
            long before = System.nanoTime();
            if (e.step() == null) {
                break;
            }
            steps++;
            p.stepped(before, main.commandIndex());
            if (main.killedNow()) {
                break;
            }
        }
        p.finish(commands.size());
        return new Result(p.failed, signal == 0 && e.stuck(), e.file(), steps, reopenedWritable, signal);
    }

    /**
     * Prints while the engine runs: a script line's prompt, error and lines go out once qemu-io's loop has
     * issued the command after the next one, since until then lines of that command's group may still come.
     */
    private final class Printer {
        private final BlockNode node;
        private final boolean prompts;
        /** Whether the prompt after the last line is printed: the script ends with this part. */
        private final boolean finalPrompt;
        private final Console console;
        private final long[] issuedAt;
        private long[] printedAt = new long[16];
        private int issued;
        private int stamped;
        private int nextEntry;
        private int nextLine;
        private boolean failed;

        Printer(BlockNode node, boolean finalPrompt, boolean prompts, Console console, int commandCount) {
            this.node = node;
            this.finalPrompt = finalPrompt;
            this.prompts = prompts;
            this.console = console;
            this.issuedAt = new long[commandCount];
        }

        /** After a step that began at {@code before}, with {@code commandIndex} commands issued. */
        void stepped(long before, int commandIndex) {
            while (issued < commandIndex) {
                issuedAt[issued++] = before;
            }
            if (stamped < node.outputCount()) {
                long now = System.nanoTime();
                if (printedAt.length < node.outputCount()) {
                    printedAt = Arrays.copyOf(printedAt, node.outputCount() * 2);
                }
                while (stamped < node.outputCount()) {
                    printedAt[stamped++] = now;
                }
            }
            // lines printed from now on belong to command commandIndex - 1 or later
            printEntriesThrough(commandIndex - 2);
        }

        /** Prints the rest once the engine has stopped; {@code close} is the group of lines printed at close. */
        void finish(int close) {
            printEntriesThrough(close - 1);
            if (finalPrompt && !quit) {
                console.out("qemu-io> ");
            }
            printLinesThrough(close);
        }

        private void printEntriesThrough(int lastCommand) {
            while (nextEntry < entries.size()) {
                Entry en = entries.get(nextEntry);
                if (en.command() > lastCommand) {
                    return;
                }
                nextEntry++;
                if (prompts) {
                    console.out("qemu-io> ");
                }
                en.warnings().forEach(console::err);
                if (en.refused() != null) {
                    failed = true;
                    if (en.refused().toStderr()) {
                        console.err(en.refused().qemuText());
                    } else {
                        console.out(en.refused().qemuText() + "\n");
                    }
                    if (en.refused().usage() != null) {
                        console.out(en.refused().usage() + "\n");
                    }
                } else if (en.command() >= 0) {
                    printLinesThrough(en.command());
                }
            }
        }

        /**
         * The wall time print_report states for the current line. aio_write -z never sets its start time, so qemu-io
         * reports the time since the monotonic clock's origin, which System.nanoTime shares on Linux.
         */
        private long elapsed(BlockNode.OutputLine l) {
            long end = printedAt[nextLine];
            boolean unstarted = commands.get(l.command()) instanceof QemuIoCommand.AioWrite w && w.zero();
            return Math.max(1, unstarted ? end : end - issuedAt[l.command()]);
        }

        private void printLinesThrough(int group) {
            for (; nextLine < node.outputCount() && node.outputLine(nextLine).group() <= group; nextLine++) {
                BlockNode.OutputLine l = node.outputLine(nextLine);
                switch (l.kind()) {
                    case STDERR -> console.err(l.line());
                    case REPORT -> console.out(l.line() + "\n" + QemuIoReport.timing(l.bytes(), elapsed(l)) + "\n");
                    case PARSABLE_REPORT -> console.out(l.line() + QemuIoReport.parsableTiming(l.bytes(),
                            elapsed(l)) + "\n");
                    case FAILURE -> {
                        failed = true;
                        console.out(l.line() + "\n");
                    }
                    case NOTICE -> console.out(l.line() + "\n");
                    case SILENT_FAILURE -> failed = true;
                }
            }
        }
    }
}
