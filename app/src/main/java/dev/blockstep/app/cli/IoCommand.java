package dev.blockstep.app.cli;

import dev.blockstep.engine.event.EngineEventSink;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.image.ImageFileException;
import dev.blockstep.engine.image.ImageFiles;
import dev.blockstep.engine.qcow2.Qcow2Driver;
import dev.blockstep.engine.qcow2.format.ImageFormatException;
import dev.blockstep.engine.block.BlockNode;
import dev.blockstep.engine.qcow2.io.QemuIoReport;
import dev.blockstep.engine.qcow2.io.QemuIoSession;
import dev.blockstep.engine.session.ScriptRun;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import dev.blockstep.trace.qemuio.QemuIoParser;
import dev.blockstep.trace.qemuio.QemuIoSyntaxException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code blockstep io}: qemu-io on a qcow2 image, changing the image in place as qemu-io does.
 * Commands come from {@code -c} or one per line on standard input (with qemu-io's prompt). Output lines,
 * error texts and the exit status (1 if any command failed) follow qemu-io 7.2.
 *
 * <p>Scripts with {@code aio_write}/{@code aio_flush}, or run with {@code --fix} or {@code --seed}, go through
 * the coroutine engine: aio requests stay in flight, synchronous commands and aio_flush let them run, in
 * FIFO order or, with a seed, in a seeded random order. There the whole script is read first, no prompt is
 * printed, and each completion's timing line reports the time since the run started.
 */
@Command(name = "io",
        description = "Run qemu-io commands (write, read, discard, flush, aio_write, aio_flush) on a qcow2 image "
                + "in place.",
        mixinStandardHelpOptions = true)
public final class IoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "-c", paramLabel = "CMD", description = "A qemu-io command; may be repeated. Without -c, "
            + "commands are read from standard input.")
    List<String> commands = new ArrayList<>();

    @Option(names = "--fix", description = "Serialise discard and every write-zeroes in the block layer (the "
            + "proposed fix). Uses the coroutine engine.")
    boolean fix;

    @Option(names = "--seed", paramLabel = "N", description = "Run in-flight requests in a seeded random order "
            + "(same seed, same result). Without it the order is FIFO. Uses the coroutine engine.")
    Long seed;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "The qcow2 image file (changed in place).")
    String image;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path path;
        HostFile file;
        HostFile original;
        Qcow2Driver driver;
        try {
            path = Path.of(image);
            original = ImageFiles.load(path, image);
            file = original.copy();
            driver = Qcow2Driver.open(file, image, EngineEventSink.NONE);
        } catch (InvalidPathException e) {
            err.println("qemu-io: can't open device " + image + ": " + e.getMessage());
            err.flush();
            return 1;
        } catch (ImageFileException | ImageFormatException e) {
            err.println("qemu-io: can't open device " + image + ": " + e.getMessage());
            err.flush();
            return 1;
        }
        if (fix || seed != null || mentionsAio()) {
            return runEngine(path, file, out, err);
        }
        QemuIoSession session = new QemuIoSession(driver, out::println, line -> {
            out.flush();
            err.println(line);
            err.flush();
        });
        boolean failed = false;
        try {
            if (!commands.isEmpty()) {
                for (int i = 0; i < commands.size(); i++) {
                    failed |= !runLine(session, commands.get(i), "-c #" + (i + 1), out, err);
                }
            } else {
                // Standard input was read whole to see whether the script needs the coroutine engine.
                int lineNo = 0;
                for (String line : scriptLines()) {
                    out.print("qemu-io> ");
                    failed |= !runLine(session, line, "<stdin>:" + (++lineNo), out, err);
                }
                out.print("qemu-io> ");
            }
        } finally {
            out.flush();
            try {
                file.saveChanges(path, original);
            } catch (IOException e) {
                err.println("qemu-io: " + image + ": writing the image back failed: " + e.getMessage());
                failed = true;
            }
            err.flush();
        }
        return failed ? 1 : 0;
    }

    private List<String> stdinLines;

    /** Whether the script uses asynchronous commands (reads standard input once when there is no -c). */
    private boolean mentionsAio() {
        for (String l : scriptLines()) {
            String t = l.strip();
            if (t.startsWith("aio_write") || t.startsWith("aio_flush")) {
                return true;
            }
        }
        return false;
    }

    private List<String> scriptLines() {
        if (!commands.isEmpty()) {
            return commands;
        }
        if (stdinLines == null) {
            try {
                stdinLines = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).lines().toList();
            } catch (java.io.UncheckedIOException e) {
                stdinLines = List.of();
            }
        }
        return stdinLines;
    }

    private Integer runEngine(Path path, HostFile file, PrintWriter out, PrintWriter err) {
        List<String> lines = scriptLines();
        List<QemuIoCommand> cmds = new ArrayList<>();
        boolean failed = false;
        for (int i = 0; i < lines.size(); i++) {
            String where = commands.isEmpty() ? "<stdin>:" + (i + 1) : "-c #" + (i + 1);
            try {
                QemuIoParser.parseLine(lines.get(i), where, 1).ifPresent(cmds::add);
            } catch (QemuIoSyntaxException e) {
                if (e.toStderr()) {
                    out.flush();
                    err.println(e.qemuText());
                    err.flush();
                } else {
                    out.println(e.qemuText());
                }
                failed = true;
            }
        }
        long t0 = System.nanoTime();
        ScriptRun run;
        try {
            run = ScriptRun.run(file, image, cmds, fix, seed);
        } catch (RuntimeException e) {
            // An engine bug must not leave a stack trace or a half-written image: report it and keep the file.
            err.println("blockstep io: " + image + ": the engine failed: " + e.getMessage());
            err.flush();
            return 1;
        }
        long elapsed = Math.max(1, System.nanoTime() - t0);
        for (BlockNode.OutputLine l : run.output()) {
            if (l.stderr()) {
                out.flush();
                err.println(l.line());
                err.flush();
            } else if (l.line().startsWith("Pattern verification failed") || l.line().contains(" failed: ")) {
                out.println(l.line());
                // qemu-io's exit status counts failed synchronous commands, not failed aio completions.
                failed |= l.line().startsWith("Pattern") || !l.line().startsWith("aio_");
            } else if (l.line().matches("(wrote|read|discard) \\d+/\\d+ bytes at offset \\d+")) {
                String[] w = l.line().split(" ");
                out.println(QemuIoReport.lines(w[0], Long.parseLong(w[w.length - 1]),
                        Long.parseLong(w[1].substring(0, w[1].indexOf('/'))), elapsed));
            } else {
                out.println(l.line());
            }
        }
        if (run.stuck()) {
            err.println("blockstep io: " + image + ": requests deadlocked; qemu would hang here");
            failed = true;
        }
        out.flush();
        try {
            run.file().save(path);
        } catch (IOException e) {
            err.println("qemu-io: " + image + ": writing the image back failed: " + e.getMessage());
            failed = true;
        }
        err.flush();
        return failed ? 1 : 0;
    }

    private static boolean runLine(QemuIoSession session, String line, String where, PrintWriter out, PrintWriter err) {
        Optional<QemuIoCommand> cmd;
        try {
            cmd = QemuIoParser.parseLine(line, where, 1);
        } catch (QemuIoSyntaxException e) {
            if (e.toStderr()) {
                out.flush();
                err.println(e.qemuText());
                err.flush();
            } else {
                out.println(e.qemuText());
            }
            return false;
        }
        try {
            return cmd.isEmpty() || session.run(cmd.get());
        } catch (RuntimeException e) {
            // a bug in blockstep, not in the input: still one line, and the image is written back as it stands
            out.flush();
            err.println("blockstep: internal error running '" + line.strip() + "' (" + where + "): " + e);
            err.flush();
            return false;
        }
    }
}
