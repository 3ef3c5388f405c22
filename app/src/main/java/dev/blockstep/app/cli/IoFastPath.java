package dev.blockstep.app.cli;

import dev.blockstep.engine.fix.FixVariant;
import java.io.BufferedWriter;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * {@code blockstep io} without picocli, for the command lines whose meaning is plain: picocli builds the model of
 * every subcommand by reflection before it parses anything, and that was most of a short io run's start-up
 * (README, "blockstep io against qemu-io"). This parser takes only what it can read exactly as picocli reads it
 * and gives up on anything else (help, version, clustered or attached short options, {@code --}, {@code @files},
 * an option given twice, a value that starts with '-', a missing or second IMAGE), so that picocli parses, reports
 * or refuses those as before. IoFastPathTest checks the two parsers agree on every command line this one takes.
 */
public final class IoFastPath {
    private IoFastPath() {
    }

    /** {@code args} (starting with "io") as picocli would fill IoCommand, or null when picocli must decide. */
    public static IoCommand parse(String[] args) {
        if (args.length < 2 || !args[0].equals("io") || System.getProperty("picocli.trimQuotes") != null) {
            return null;
        }
        IoCommand io = new IoCommand();
        io.fix = new FixOption();
        boolean readOnly = false;
        boolean nocache = false;
        boolean imageOpts = false;
        boolean fix = false;
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("@")) {
                return null;
            }
            if (!a.startsWith("-")) {
                if (io.image != null) {
                    return null;
                }
                io.image = a;
                continue;
            }
            String value = i + 1 < args.length ? args[i + 1] : null;
            boolean plainValue = value != null && !value.startsWith("-") && !value.startsWith("@");
            switch (a) {
                case "-c" -> {
                    if (!plainValue) {
                        return null;
                    }
                    io.commands.add(value);
                    i++;
                }
                case "-f", "-t", "--cache", "-i", "--aio", "--seed" -> {
                    if (!plainValue || !setValue(io, a, value)) {
                        return null;
                    }
                    i++;
                }
                case "-r", "--read-only" -> {
                    if (readOnly) {
                        return null;
                    }
                    readOnly = true;
                }
                case "-n", "--nocache" -> {
                    if (nocache) {
                        return null;
                    }
                    nocache = true;
                }
                case "--image-opts" -> {
                    if (imageOpts) {
                        return null;
                    }
                    imageOpts = true;
                }
                case "--fix" -> {
                    // FixOption.Consumer may take a following word as the variant: picocli decides those
                    if (fix || value != null && !value.startsWith("-")) {
                        return null;
                    }
                    fix = true;
                    io.fix.variant = FixVariant.PATCH;
                }
                default -> {
                    FixVariant v = a.startsWith("--fix=") ? variant(a.substring("--fix=".length())) : null;
                    if (v == null || fix) {
                        return null;
                    }
                    fix = true;
                    io.fix.variant = v;
                }
            }
        }
        if (io.image == null) {
            return null;
        }
        io.readOnly = readOnly;
        io.nocache = nocache;
        io.imageOpts = imageOpts;
        return io;
    }

    /** Sets the single-valued option {@code name}; false when it was set already or the value does not convert. */
    private static boolean setValue(IoCommand io, String name, String value) {
        switch (name) {
            case "-f" -> {
                if (io.format != null) {
                    return false;
                }
                io.format = value;
            }
            case "-t", "--cache" -> {
                if (io.cache != null) {
                    return false;
                }
                io.cache = value;
            }
            case "-i", "--aio" -> {
                if (io.aio != null) {
                    return false;
                }
                io.aio = value;
            }
            default -> {
                if (io.seed != null) {
                    return false;
                }
                try {
                    io.seed = Long.valueOf(value);
                } catch (NumberFormatException e) {
                    return false;
                }
            }
        }
        return true;
    }

    private static FixVariant variant(String id) {
        for (FixVariant f : FixVariant.all()) {
            if (f.id().equals(id)) {
                return f;
            }
        }
        return null;
    }

    /** Runs a parsed command on standard output and error, reporting a failure as picocli's handler would. */
    public static int run(IoCommand io) {
        PrintWriter out = writer(System.out, "sun.stdout.encoding");
        PrintWriter err = writer(System.err, "sun.stderr.encoding");
        try {
            return io.run(out, err);
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            out.flush();
            err.println(CliErrors.line("blockstep io", io.image, e));
            err.flush();
            return 1;
        }
    }

    /** Standard output as picocli's getOut writes it. */
    public static PrintWriter stdout() {
        return writer(System.out, "sun.stdout.encoding");
    }

    /** Standard error as picocli's getErr writes it. */
    public static PrintWriter stderr() {
        return writer(System.err, "sun.stderr.encoding");
    }

    /** The writer picocli's getOut and getErr make: the stream's encoding property, else the default charset. */
    private static PrintWriter writer(OutputStream stream, String encodingProperty) {
        String name = System.getProperty(encodingProperty);
        Charset charset = Charset.defaultCharset();
        if (name != null) {
            try {
                charset = name.equalsIgnoreCase("cp65001") ? StandardCharsets.UTF_8 : Charset.forName(name);
            } catch (IllegalArgumentException e) {
                // picocli falls back to the default charset too
            }
        }
        return new PrintWriter(new BufferedWriter(new OutputStreamWriter(stream, charset)), true);
    }
}
