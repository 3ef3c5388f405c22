package dev.blockstep.app.cli;

import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.qemuio.NodeSettings;
import dev.blockstep.engine.qemuio.QemuIoScript;
import dev.blockstep.engine.qemuio.QemuIoSession;
import dev.blockstep.engine.qemuio.QemuIoSessions;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import dev.blockstep.trace.NodeOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
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
        description = "Run qemu-io commands (read, readv, write, writev, aio_read, aio_write, aio_flush, discard, flush, "
                + "length, map, alloc, info, help, close, reopen, sleep, quit) on a qcow2 image "
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

    @Option(names = "-f", paramLabel = "FMT", description = "Image format: qcow2, the only one io opens.")
    String format;

    @Option(names = {"-r", "--read-only"}, description = "Open the image read-only: commands that write are "
            + "refused, as qemu-io refuses them, and the file is never written.")
    boolean readOnly;

    @Option(names = {"-s", "--snapshot"}, description = "Run on a temporary qcow2 overlay over IMAGE, as qemu-io's "
            + "snapshot mode does: writes go to the overlay, which is dropped at the end; IMAGE is never written.")
    boolean snapshot;

    @Option(names = {"-C", "--copy-on-read"}, description = "Copy-on-read: every read first copies the clusters "
            + "IMAGE lacks (from its backing file, or zeros without one) into IMAGE, as qemu-io -C does.")
    boolean copyOnRead;

    @Option(names = {"-n", "--nocache"}, description = "qemu-io's O_DIRECT (cache=none): host page-cache "
            + "bypass, which changes nothing blockstep models.")
    boolean nocache;

    @Option(names = {"-t", "--cache"}, paramLabel = "MODE", description = "Cache mode, as qemu-io's -t: writethrough "
            + "(qemu-io's default) and directsync make every write FUA, so each is followed by a flush; writeback, "
            + "none (off) and unsafe do not (-n alone is none); unsafe's flushes write qcow2's caches but never sync "
            + "the host file. The final image is the same in every mode.")
    String cache;

    @Option(names = {"-i", "--aio"}, paramLabel = "MODE", description = "threads, native or io_uring: how qemu "
            + "submits file I/O, which does not change the order of the driver's steps or the bytes.")
    String aio;

    @Option(names = "--image-opts", description = "IMAGE is an option string: driver=qcow2,file.filename=PATH "
            + "(file.driver=file); other options are refused.")
    boolean imageOpts;

    @Parameters(index = "0", paramLabel = "IMAGE", arity = "0..1", description = "The qcow2 image file (changed in "
            + "place). Without it no file is open until the script's first open command, whose options apply.")
    String image;

    /** The start of qemu-io's line when the image does not open: --image-opts names no device. */
    private String cantOpen() {
        return imageOpts ? "qemu-io: can't open: " : "qemu-io: can't open device " + image + ": ";
    }

    /** qemu-io's own refusals of its command-line options, or null when they are acceptable. */
    private String optionError() {
        if (cache != null && !List.of("none", "off", "writeback", "unsafe", "directsync", "writethrough")
                .contains(cache)) {
            return "qemu-io: Invalid cache option: " + cache;
        }
        if (aio != null && !List.of("threads", "native", "io_uring").contains(aio)) {
            return "qemu-io: Invalid aio option: " + aio;
        }
        if (imageOpts && format != null) {
            return "qemu-io: --image-opts and -f are mutually exclusive";
        }
        boolean direct = nocache || cache != null && (cache.equals("none") || cache.equals("directsync"));
        if ("native".equals(aio) && !direct) {
            return cantOpen() + "aio=native was specified, but it requires "
                    + "cache.direct=on, which was not specified.";
        }
        if (format != null && NodeSettings.driverRefusal(format) != null) {
            return cantOpen() + NodeSettings.driverRefusal(format);
        }
        return null;
    }

    /**
     * The BlockBackend's cache as qemu-io's bdrv_parse_cache_mode sets it; null leaves qemu-io's writethrough default.
     * qemu-io applies -n and -t in command-line order; picocli keeps no order, so -t wins over -n here.
     */
    NodeOptions.Cache cacheMode() {
        return IoOpener.cacheMode(cache, nocache);
    }

    @Override
    public Integer call() {
        return run(spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /** The command on {@code out} and {@code err}, without picocli (see {@link IoFastPath}). */
    int run(PrintWriter out, PrintWriter err) {
        if (commands.stream().anyMatch(c -> c.strip().equals("abort") || c.strip().startsWith("abort "))) {
            // abort() leaves stdout's buffer unwritten: hold the output until it is known how much of it qemu-io
            // would have written
            java.io.StringWriter held = new java.io.StringWriter();
            holdingStdout = true;
            int code = runScript(new PrintWriter(held), err);
            out.print(code == SelfSignal.ABORTED ? SelfSignal.writtenBeforeAbort(held.toString()) : held.toString());
            out.flush();
            return code == SelfSignal.ABORTED ? SelfSignal.raise(QemuIoCommand.Exit.SIGABRT, 1) : code;
        }
        return runScript(out, err);
    }

    /** stdout goes to a buffer that an abort cuts short. */
    private boolean holdingStdout;

    /** The end of a script that raised a fatal signal, once the image is written. */
    private int die(int signal, PrintWriter out, int fallback) {
        out.flush();
        if (signal == QemuIoCommand.Exit.SIGABRT && holdingStdout) {
            return SelfSignal.ABORTED;
        }
        return SelfSignal.raise(signal, fallback);
    }

    private int runScript(PrintWriter out, PrintWriter err) {
        IoOpener opener = new IoOpener(imageOpts, err);
        QemuIoSession first = null;
        if (image != null) {
            String refused = optionError();
            if (refused != null) {
                err.println(refused);
                err.flush();
                return 1;
            }
            try {
                first = opener.open(IoOpener.commandLine(image, readOnly, snapshot, copyOnRead, nocache, cache, aio));
            } catch (QemuIoSessions.OpenFailed e) {
                err.println(e.getMessage());
                err.flush();
                return 1;
            }
        }
        String name = image == null ? "io" : image;
        QemuIoScript.Result run;
        try {
            run = QemuIoSessions.run(first, opener, scriptLines(),
                    i -> commands.isEmpty() ? "<stdin>:" + (i + 1) : "-c #" + (i + 1), commands.isEmpty(),
                    fix.orElse(FixVariant.NONE), seed, new QemuIoScript.Console() {
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
            err.println("blockstep io: " + name + ": the engine failed: " + e.getMessage());
            err.flush();
            return 1;
        }
        boolean failed = run.failed() || opener.failed;
        if (run.stuck()) {
            out.flush();
            err.println("blockstep io: " + name + ": requests deadlocked; qemu would hang here");
            failed = true;
        }
        out.flush();
        err.flush();
        return exitStatus(run.signal(), failed, out);
    }

    /** qemu-io's exit: death by the fatal signal the script raised, else 1 if anything failed. */
    private int exitStatus(int signal, boolean failed, PrintWriter out) {
        return signal != 0 ? die(signal, out, failed ? 1 : 0) : failed ? 1 : 0;
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
