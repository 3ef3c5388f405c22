package dev.blockstep.app.cli;

import dev.blockstep.engine.event.EngineEventSink;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.image.ImageFileException;
import dev.blockstep.engine.image.ImageFiles;
import dev.blockstep.engine.qcow2.BackingChain;
import dev.blockstep.engine.qcow2.BackingImage;
import dev.blockstep.engine.qcow2.Qcow2Driver;
import dev.blockstep.engine.qcow2.format.ImageFormatException;
import dev.blockstep.engine.qemuio.QemuIoScript;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code blockstep io}: qemu-io on a qcow2 image, changing the image in place as qemu-io does.
 * Commands come from {@code -c} or one per line on standard input (with qemu-io's prompt). Output lines,
 * error texts and the exit status (1 if any command failed) follow qemu-io 7.2.
 *
 * <p>Every script runs on the coroutine engine, read whole first. Without {@code --seed} in-flight requests run
 * in FIFO order, so synchronous commands run one request each to completion; with a seed, in a seeded random
 * order. Timing lines report each command's wall time from issue to completion.
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

    @Mixin
    FixOption fix;

    @Option(names = "--seed", paramLabel = "N", description = "Run in-flight requests in a seeded random order "
            + "(same seed, same result). Without it the order is FIFO.")
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
        BackingImage backing;
        try {
            path = Path.of(image);
            original = ImageFiles.load(path, image);
            file = original.copy();
            // opened here to report a bad image as qemu-io does and to open its backing chain (read-only) once;
            // the engine opens its own copy of the image
            backing = Qcow2Driver.open(file, image, EngineEventSink.NONE, BackingChain.of(path)).backingImage();
        } catch (InvalidPathException e) {
            err.println("qemu-io: can't open device " + image + ": " + e.getMessage());
            err.flush();
            return 1;
        } catch (ImageFileException | ImageFormatException e) {
            err.println("qemu-io: can't open device " + image + ": " + e.getMessage());
            err.flush();
            return 1;
        }
        QemuIoScript.Result run;
        try {
            run = QemuIoScript.run(file, backing, image, scriptLines(),
                    i -> commands.isEmpty() ? "<stdin>:" + (i + 1) : "-c #" + (i + 1), commands.isEmpty(), fix.orElse(FixVariant.NONE), seed,
                    new QemuIoScript.Console() {
                        @Override
                        public void out(String text) {
                            out.print(text);
                        }

                        @Override
                        public void err(String line) {
                            out.flush();
                            err.println(line);
                            err.flush();
                        }
                    });
        } catch (RuntimeException e) {
            // An engine bug must not leave a stack trace or a half-written image: report it and keep the file.
            out.flush();
            err.println("blockstep io: " + image + ": the engine failed: " + e.getMessage());
            err.flush();
            return 1;
        }
        boolean failed = run.failed();
        if (run.stuck()) {
            out.flush();
            err.println("blockstep io: " + image + ": requests deadlocked; qemu would hang here");
            failed = true;
        }
        out.flush();
        try {
            run.file().saveChanges(path, original);
        } catch (IOException e) {
            err.println("qemu-io: " + image + ": writing the image back failed: " + e.getMessage());
            failed = true;
        }
        err.flush();
        return failed ? 1 : 0;
    }

    private List<String> stdinLines;

    /** The -c commands, or standard input's lines, read whole. */
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
}
