package dev.blockstep.app.cli;

import dev.blockstep.engine.block.BlockStack;
import dev.blockstep.engine.check.DirtyImageRepair;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.image.ImageFileException;
import dev.blockstep.engine.qcow2.BackingImage;
import dev.blockstep.engine.qcow2.Qcow2Create;
import dev.blockstep.engine.qcow2.format.ImageFormatException;
import dev.blockstep.engine.qemuio.QemuIoScript;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import dev.blockstep.trace.NodeOptions;
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

    /** open -d: whether discards may unmap (null: qemu-io's default, unmap). */
    NodeOptions.Discard discard;

    /** The start of qemu-io's line when the image does not open: --image-opts names no device. */
    private String cantOpen() {
        return imageOpts ? "qemu-io: can't open: " : "qemu-io: can't open device " + image + ": ";
    }

    /** Image formats qemu 7.2 knows, which blockstep io does not open. */
    private static final List<String> QEMU_FORMATS = List.of("raw", "file", "qcow", "qed", "vmdk", "vdi", "vpc",
            "vhdx", "parallels", "luks", "dmg", "bochs", "cloop", "vvfat", "blkdebug", "null-co", "nbd");

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
        if (format != null && !format.equals("qcow2")) {
            return cantOpen() + (QEMU_FORMATS.contains(format)
                    ? "blockstep io opens only qcow2 images, not '" + format + "'"
                    : "Unknown driver '" + format + "'");
        }
        return null;
    }

    /**
     * The BlockBackend's cache as qemu-io's bdrv_parse_cache_mode sets it; null leaves qemu-io's writethrough default.
     * qemu-io applies -n and -t in command-line order; picocli keeps no order, so -t wins over -n here.
     */
    NodeOptions.Cache cacheMode() {
        if (cache == null) {
            return nocache ? NodeOptions.Cache.NONE : null;
        }
        return switch (cache) {
            case "none", "off" -> NodeOptions.Cache.NONE;
            case "writeback" -> NodeOptions.Cache.WRITEBACK;
            case "unsafe" -> NodeOptions.Cache.UNSAFE;
            case "directsync" -> NodeOptions.Cache.DIRECTSYNC;
            default -> NodeOptions.Cache.WRITETHROUGH;
        };
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
        if (image == null) {
            return runWithoutImage(out, err);
        }
        String refused = optionError();
        if (refused != null) {
            err.println(refused);
            err.flush();
            return 1;
        }
        String error;
        Opened img = null;
        try {
            img = open();
            error = img == null ? null : openError();
        } catch (InvalidPathException e) {
            error = cantOpen() + e.getMessage();
        } catch (ImageFileException | ImageFormatException | Qcow2Create.CreateException e) {
            error = cantOpen() + e.getMessage();
        }
        if (img == null || error != null) {
            err.println(error == null ? ImageOptsArgument.parse(image).error() : error);
            err.flush();
            return 1;
        }
        return run(img, null, out, err);
    }

    /**
     * qemu-io without IMAGE: each open line in turn sets its options and opens its file, until one opens; the lines
     * before it run with no file open.
     */
    private int runWithoutImage(PrintWriter out, PrintWriter err) {
        java.util.Map<Integer, String> failed = new java.util.HashMap<>();
        for (OpenLine.Found o = OpenLine.find(scriptLines(), 0); o != null;
             o = OpenLine.find(scriptLines(), o.line() + 1)) {
            String error = o.applyTo(this);
            if (error == null) {
                error = optionError();
            }
            if (error == null) {
                try {
                    Opened img = open();
                    error = openError();
                    if (error == null) {
                        return run(img, new QemuIoScript.Opening(o.line(), failed), out, err);
                    }
                } catch (InvalidPathException e) {
                    error = cantOpen() + e.getMessage();
                } catch (ImageFileException | ImageFormatException | Qcow2Create.CreateException e) {
                    error = cantOpen() + e.getMessage();
                }
            }
            failed.put(o.line(), error);
            image = null;
        }
        return run(Opened.none(), new QemuIoScript.Opening(-1, failed), out, err);
    }

    /** The image IMAGE names (through --image-opts' file.filename), or null when --image-opts' string is refused. */
    private Opened open() throws ImageFileException, ImageFormatException, Qcow2Create.CreateException {
        String name = image;
        if (imageOpts) {
            ImageOptsArgument a = ImageOptsArgument.parse(image);
            if (a.error() != null) {
                return null;
            }
            name = a.filename();
        }
        return Opened.open(name, snapshot);
    }

    /** bdrv_open_common's refusal once the file itself has opened, or null. */
    private String openError() {
        return copyOnRead && readOnly ? cantOpen() + "Can't use copy-on-read on read-only device" : null;
    }

    /** The script on {@code img}; {@code opening} says where a script without IMAGE opens it (null: IMAGE given). */
    private int run(Opened img, QemuIoScript.Opening opening, PrintWriter out, PrintWriter err) {
        String name = img.name();
        HostFile file = img.file();
        BackingImage backing = img.backing();
        Path path = img.path();
        HostFile original = img.original();
        if (path != null && !readOnly && !snapshot && DirtyImageRepair.isDirty(file)) {
            // bdrv_open of a dirty lazy-refcounts image read-write repairs it first, as qcow2_do_open does
            try {
                DirtyImageRepair.onReadWriteOpen(file, name, line -> {
                    err.println(line);
                    err.flush();
                });
            } catch (ImageFormatException e) {
                err.println(cantOpen() + e.getMessage());
                err.flush();
                return 1;
            }
        }
        QemuIoScript.Result run;
        try {
            run = QemuIoScript.run(file, backing, readOnly, copyOnRead, opening,
                    BlockStack.of(null, new NodeOptions(discard, null, cacheMode())),
                    name, scriptLines(),
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
            err.println("blockstep io: " + name + ": the engine failed: " + e.getMessage());
            err.flush();
            return 1;
        }
        boolean failed = run.failed();
        if (run.stuck()) {
            out.flush();
            err.println("blockstep io: " + name + ": requests deadlocked; qemu would hang here");
            failed = true;
        }
        out.flush();
        if (path == null || snapshot || readOnly && !run.reopenedWritable()) {
            err.flush();
            return run.signal() != 0 ? die(run.signal(), out, failed ? 1 : 0) : failed ? 1 : 0;
        }
        try {
            run.file().saveChanges(path, original);
        } catch (IOException e) {
            err.println("qemu-io: " + name + ": writing the image back failed: " + e.getMessage());
            failed = true;
        }
        err.flush();
        if (run.signal() != 0) {
            return die(run.signal(), out, failed ? 1 : 0);
        }
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
