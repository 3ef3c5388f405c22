package dev.blockstep.app.cli;

import dev.blockstep.engine.event.EngineEventSink;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.Qcow2Driver;
import dev.blockstep.engine.qcow2.format.ImageFormatException;
import dev.blockstep.engine.qcow2.io.QemuIoSession;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import dev.blockstep.trace.qemuio.QemuIoParser;
import dev.blockstep.trace.qemuio.QemuIoSyntaxException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
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
 * {@code blockstep io}: qemu-io on a qcow2 image, serially, changing the image in place as qemu-io does.
 * Commands come from {@code -c} or one per line on standard input (with qemu-io's prompt). Output lines,
 * error texts and the exit status (1 if any command failed) follow qemu-io 7.2.
 */
@Command(name = "io",
        description = "Run qemu-io commands (write, read, discard, flush) on a qcow2 image in place, serially.",
        mixinStandardHelpOptions = true)
public final class IoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "-c", paramLabel = "CMD", description = "A qemu-io command; may be repeated. Without -c, "
            + "commands are read from standard input.")
    List<String> commands = new ArrayList<>();

    @Parameters(index = "0", paramLabel = "IMAGE", description = "The qcow2 image file (changed in place).")
    String image;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path path;
        HostFile file;
        Qcow2Driver driver;
        try {
            path = Path.of(image);
            file = HostFile.load(path);
            driver = Qcow2Driver.open(file, image, EngineEventSink.NONE);
        } catch (NoSuchFileException e) {
            err.println("qemu-io: can't open device " + image + ": Could not open '" + image
                    + "': No such file or directory");
            err.flush();
            return 1;
        } catch (IOException | InvalidPathException e) {
            err.println("qemu-io: can't open device " + image + ": " + e.getMessage());
            err.flush();
            return 1;
        } catch (ImageFormatException e) {
            err.println("qemu-io: can't open device " + image + ": " + e.getMessage());
            err.flush();
            return 1;
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
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                int lineNo = 0;
                while (true) {
                    out.print("qemu-io> ");
                    String line = in.readLine();
                    if (line == null) {
                        break;
                    }
                    failed |= !runLine(session, line, "<stdin>:" + (++lineNo), out, err);
                }
            }
        } catch (IOException e) {
            err.println("qemu-io: reading commands failed: " + e.getMessage());
            failed = true;
        } finally {
            out.flush();
            try {
                file.save(path);
            } catch (IOException e) {
                err.println("qemu-io: " + image + ": writing the image back failed: " + e.getMessage());
                failed = true;
            }
            err.flush();
        }
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
        return cmd.isEmpty() || session.run(cmd.get());
    }
}
