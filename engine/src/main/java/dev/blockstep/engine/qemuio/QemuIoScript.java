package dev.blockstep.engine.qemuio;

import dev.blockstep.engine.block.BlockNode;
import dev.blockstep.engine.block.QemuIoMain;
import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.coroutine.SchedulingPolicy;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.session.Engine;
import dev.blockstep.engine.session.Workload;
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
     */
    public record Result(boolean failed, boolean stuck, HostFile file, int steps) {
    }

    /** A script line parsed: the index of its command, or the error qemu-io prints for it, or neither. */
    private record Entry(int command, QemuIoSyntaxException refused) {
    }

    private final List<Entry> entries = new ArrayList<>();
    private final List<QemuIoCommand> commands = new ArrayList<>();

    private QemuIoScript() {
    }

    /**
     * Runs the script on a copy of {@code image}.
     *
     * @param where   names line i (0-based) in syntax errors, e.g. "-c #1" or "&lt;stdin&gt;:1"
     * @param prompts print qemu-io's interactive prompt before every line and at the end (standard input)
     * @throws IllegalArgumentException when the image does not open
     */
    public static Result run(HostFile image, String name, List<String> lines, IntFunction<String> where,
                             boolean prompts, boolean fix, Long seed, Console console) {
        QemuIoScript s = new QemuIoScript();
        for (int i = 0; i < lines.size(); i++) {
            s.parse(lines.get(i), where.apply(i));
        }
        return s.run(image, name, prompts, fix, seed, console);
    }

    /** Runs already parsed commands, one per line, without prompts (the benchmark's serial row). */
    public static Result run(HostFile image, String name, List<QemuIoCommand> commands, boolean fix, Long seed,
                             Console console) {
        QemuIoScript s = new QemuIoScript();
        for (QemuIoCommand c : commands) {
            s.entries.add(new Entry(s.commands.size(), null));
            s.commands.add(c);
        }
        return s.run(image, name, false, fix, seed, console);
    }

    private void parse(String line, String where) {
        try {
            QemuIoParser.parseLine(line, where, 1).ifPresentOrElse(c -> {
                entries.add(new Entry(commands.size(), null));
                commands.add(c);
            }, () -> entries.add(new Entry(-1, null)));
        } catch (QemuIoSyntaxException e) {
            entries.add(new Entry(-1, e));
        }
    }

    private Result run(HostFile image, String name, boolean prompts, boolean fix, Long seed, Console console) {
        SchedulingPolicy policy = seed == null ? Policies.fifo() : Policies.seededRandom(seed);
        Engine e = new Engine(new Workload(image, name, commands, fix, () -> policy));
        QemuIoMain main = e.main();
        BlockNode node = e.node();
        long[] issuedAt = new long[commands.size()];
        long[] printedAt = new long[16];
        int issued = 0;
        int printed = 0;
        int steps = 0;
        while (true) {
            long before = System.nanoTime();
            if (e.step() == null) {
                break;
            }
            steps++;
            while (issued < main.commandIndex()) {
                issuedAt[issued++] = before;
            }
            if (printed < node.outputCount()) {
                long now = System.nanoTime();
                printedAt = Arrays.copyOf(printedAt, Math.max(printedAt.length, node.outputCount() * 2));
                while (printed < node.outputCount()) {
                    printedAt[printed++] = now;
                }
            }
        }
        List<BlockNode.OutputLine> output = node.output();
        boolean failed = false;
        int next = 0;
        for (Entry en : entries) {
            if (prompts) {
                console.out("qemu-io> ");
            }
            if (en.refused() != null) {
                failed = true;
                if (en.refused().toStderr()) {
                    console.err(en.refused().qemuText());
                } else {
                    console.out(en.refused().qemuText() + "\n");
                }
            } else if (en.command() >= 0) {
                next = print(output, next, en.command(), issuedAt, printedAt, console);
            }
        }
        if (prompts) {
            console.out("qemu-io> ");
        }
        next = print(output, next, commands.size(), issuedAt, printedAt, console);
        for (BlockNode.OutputLine l : output) {
            failed |= l.kind() == BlockNode.Kind.FAILURE;
        }
        return new Result(failed, e.stuck(), e.file(), steps);
    }

    /** Prints the lines of {@code group} from {@code from} on; returns the index of the first line not printed. */
    private static int print(List<BlockNode.OutputLine> output, int from, int group, long[] issuedAt,
                             long[] printedAt, Console console) {
        int i = from;
        for (; i < output.size() && output.get(i).group() <= group; i++) {
            BlockNode.OutputLine l = output.get(i);
            switch (l.kind()) {
                case STDERR -> console.err(l.line());
                case REPORT -> console.out(l.line() + "\n" + QemuIoReport.timing(l.bytes(),
                        Math.max(1, printedAt[i] - issuedAt[l.command()])) + "\n");
                case FAILURE, NOTICE -> console.out(l.line() + "\n");
            }
        }
        return i;
    }
}
