package dev.blockstep.app.cli;

import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.BackingChain;
import dev.blockstep.engine.qcow2.BackingImage;
import dev.blockstep.engine.qcow2.Qcow2Create;
import dev.blockstep.engine.qcow2.format.BackingFile;
import dev.blockstep.engine.qcow2.format.ImageFormatException;
import dev.blockstep.trace.qemuio.CInteger;
import dev.blockstep.trace.qemuio.Cvtnum;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code blockstep create}: writes the same bytes as {@code qemu-img create -f qcow2|raw [-o OPTIONS]
 * [-b BACKING -F FMT] IMAGE [SIZE]} (qemu 7.2) and prints what qemu-img prints. The backing image is opened
 * read-only, to check it and to take the size from it when SIZE is omitted.
 */
@Command(name = "create",
        description = "Create a qcow2 or raw image byte-identical to what qemu-img create (qemu 7.2) writes.",
        mixinStandardHelpOptions = true)
public final class CreateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "-o", paramLabel = "OPTIONS", description = "Format options: cluster_size, refcount_bits, compat (0.10, 1.1), lazy_refcounts, extended_l2, preallocation (off, metadata, falloc, full), size, compression_type (zlib), extent_size_hint, backing_file, backing_fmt; for raw: size, preallocation, extent_size_hint.")
    List<String> options = new ArrayList<>();

    @Option(names = "-b", paramLabel = "BACKING_FILE",
            description = "Backing file, stored as given and resolved relative to IMAGE's directory.")
    String backingFile;

    @Option(names = "-F", paramLabel = "BACKING_FMT", description = "Format of the backing file: qcow2 or raw.")
    String backingFormat;

    @Option(names = "-f", paramLabel = "FMT", description = "Image format: qcow2 or raw.")
    String format;

    @Option(names = "-q", description = "Quiet: do not print the Formatting line.")
    boolean quiet;

    @Option(names = "-u", description = "Unsafe: do not open the backing file (SIZE is then required).")
    boolean unsafe;

    @Parameters(index = "0", paramLabel = "IMAGE", arity = "0..1", description = "The image file to write.")
    String image;

    @Parameters(index = "1", paramLabel = "SIZE", arity = "0..1",
            description = "Virtual size in bytes, with an optional k, M, G, T, P or E suffix.")
    String size;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        // qemu-img checks each -o list as getopt hands it over, then answers help before it needs a file name
        String invalid = CreateOption.invalidList(options);
        if (invalid != null) {
            err.println(invalid);
            err.flush();
            return 1;
        }
        if (CreateHelp.wanted(CreateOption.of(options))) {
            return CreateHelp.print(format == null ? "raw" : format, image, out, err);
        }
        if (image == null) {
            err.println("qemu-img: Expecting image file name");
            err.println("Try 'qemu-img --help' for more information");
            err.flush();
            return 1;
        }
        if (format != null && !format.equals("qcow2") && !format.equals("raw")) {
            err.println("qemu-img: " + image + ": blockstep create writes only qcow2 and raw images, not '" + format
                    + "'");
            err.flush();
            return 1;
        }
        // qemu-img create accepts the file protocol's prefix; the file itself is named without it
        String file = image.startsWith("file:") ? image.substring("file:".length()) : image;
        // qemu-img's default format is raw
        if (format == null || format.equals("raw")) {
            return RawCreate.create(image, file, options, backingFile != null || backingFormat != null, size, quiet,
                    out, err);
        }
        long clusterSize = 65536;
        long refcountBits = 16;
        String extendedL2 = "off";
        String lazy = "off";
        String compat = null;
        String prealloc = null;
        String sizeOption = null;
        String compression = null;
        String extentSizeHint = null;
        String backingOption = null;
        String backingFormatOption = null;
        try {
            for (CreateOption o : CreateOption.of(options)) {
                switch (o.key()) {
                    case "cluster_size" -> clusterSize = number(o.key(), o.value(), true);
                    case "refcount_bits" -> refcountBits = number(o.key(), o.value(), false);
                    case "extended_l2" -> extendedL2 = bool(o.key(), o.value());
                    case "lazy_refcounts" -> lazy = bool(o.key(), o.value());
                    case "compat" -> compat = o.value();
                    case "preallocation" -> prealloc = o.value();
                    case "size" -> sizeOption = Long.toString(number(o.key(), o.value(), true));
                    case "compression_type" -> compression = o.value();
                    case "extent_size_hint" -> extentSizeHint = Long.toString(number(o.key(), o.value(), true));
                    case "backing_file" -> backingOption = o.value();
                    case "backing_fmt" -> backingFormatOption = o.value();
                    default -> throw new Qcow2Create.CreateException("Invalid parameter '" + o.key() + "'");
                }
            }
            if (sizeOption != null && size != null) {
                throw new Qcow2Create.CreateException("The image size must be specified only once");
            }
        } catch (Qcow2Create.CreateException e) {
            err.println("qemu-img: " + image + ": " + e.getMessage());
            err.flush();
            return 1;
        }
        // -b and -F are set after -o is parsed, so they win over backing_file and backing_fmt
        backingFile = backingFile != null ? backingFile : backingOption;
        backingFormat = backingFormat != null ? backingFormat : backingFormatOption;
        size = size != null ? size : sizeOption;
        BackingFile backing = null;
        BackingImage backingImage = null;
        if (backingFile != null || backingFormat != null) {
            String refusal = BackingLinks.refusal(backingFile, backingFormat);
            if (refusal != null && backingFile == null && size != null && !quiet) {
                // a format without a file is refused only after the Formatting line (qcow2_co_create_opts)
                try {
                    out.println(Qcow2Create.formattingLine(image, Cvtnum.parse(size), clusterSize,
                            new Qcow2Create.Spelling(extendedL2, prealloc, compat, lazy, refcountBits), null,
                            backingFormat, compression == null ? "zlib" : compression, extentSizeHint));
                    out.flush();
                } catch (Cvtnum.NumberException e) {
                    // the size error below comes first in qemu too
                }
            }
            if (refusal != null && backingFile == null && size == null) {
                refusal = "Image creation needs a size parameter";
            }
            if (refusal != null) {
                String hint = "";
                if (backingFormat == null && backingFile != null && !backingFile.isEmpty() && !(unsafe && size != null)) {
                    // qemu opens the backing file first: a missing one fails there, an open one is named by its
                    // probed format in a hint that ends without a newline
                    try {
                        Path at = BackingChain.resolve(Path.of(file), new BackingFile(backingFile, "raw"));
                        String probed = java.nio.file.Files.isRegularFile(at) ? BackingLinks.probe(at) : "raw";
                        BackingChain.openReadOnly(at, probed);
                        hint = "Detected format of " + probed + ".";
                    } catch (ImageFormatException | InvalidPathException | IOException e) {
                        return openFailure(image, e.getMessage(), err);
                    }
                }
                err.println("qemu-img: " + image + ": " + refusal);
                err.print(hint);
                err.flush();
                return 1;
            }
            backing = new BackingFile(backingFile, backingFormat);
            // -u with a size: qemu-img neither opens nor checks the backing file
            if (!(unsafe && size != null)) {
                try {
                    backingImage = BackingChain.openReadOnly(BackingChain.resolve(Path.of(file), backing),
                            backingFormat);
                } catch (ImageFormatException | InvalidPathException e) {
                    return openFailure(image, e.getMessage(), err);
                }
            }
        }
        if (size == null && backingImage == null) {
            err.println("qemu-img: " + image + ": Image creation needs a size parameter");
            err.flush();
            return 1;
        }
        long bytes;
        try {
            bytes = size == null ? backingImage.size() : Cvtnum.parse(size);
        } catch (Cvtnum.NumberException e) {
            err.println("qemu-img: Invalid image size specified. You may use k, M, G, T, P or E suffixes for");
            err.println("qemu-img: kilobytes, megabytes, gigabytes, terabytes, petabytes and exabytes.");
            err.flush();
            return 1;
        }
        if (!quiet) {
            out.println(Qcow2Create.formattingLine(image, bytes, clusterSize,
                    new Qcow2Create.Spelling(extendedL2, prealloc, compat, lazy, refcountBits), backing,
                    compression == null ? "zlib" : compression, extentSizeHint));
        }
        out.flush();
        try {
            Qcow2Create.Options o = new Qcow2Create.Options(clusterSize > Integer.MAX_VALUE ? -1 : (int) clusterSize,
                    refcountBits > 64 ? 3 : (int) refcountBits, version(compat), isOn(lazy), isOn(extendedL2),
                    preallocation(prealloc));
            compressionType(compression, o.version(), false);
            HostFile f = Qcow2Create.create(bytes, o, backing);
            compressionType(compression, o.version(), true);
            f.save(Path.of(file));
            if (o.preallocation() == Qcow2Create.Preallocation.FALLOC
                    || o.preallocation() == Qcow2Create.Preallocation.FULL) {
                DiskAllocation.allocate(Path.of(file));
            }
            return 0;
        } catch (Qcow2Create.CreateException e) {
            err.println("qemu-img: " + image + ": " + e.getMessage());
        } catch (IOException | InvalidPathException e) {
            err.println("qemu-img: " + image + ": Could not create '" + file + "': " + e.getMessage());
        }
        err.flush();
        return 1;
    }

    /** The backing file did not open: qemu's error, then its hint. */
    private static int openFailure(String image, String message, java.io.PrintWriter err) {
        err.println("qemu-img: " + image + ": " + message);
        err.println("Could not open backing image.");
        err.flush();
        return 1;
    }

    /**
     * compression_type: zlib is the default; QAPI refuses an unknown name before qcow2_co_create runs, which checks
     * zstd against the version after its other checks ({@code afterCreate}); blockstep does not write zstd images.
     */
    private static void compressionType(String value, int version, boolean afterCreate)
            throws Qcow2Create.CreateException {
        if (value == null || value.equals("zlib")) {
            return;
        }
        if (!value.equals("zstd")) {
            throw new Qcow2Create.CreateException("Parameter 'compression-type' does not accept value '" + value + "'");
        }
        if (!afterCreate) {
            return;
        }
        if (version < 3) {
            throw new Qcow2Create.CreateException("Non-zlib compression type is only supported with compatibility "
                    + "level 1.1 and above (use version=v3 or greater)");
        }
        throw new Qcow2Create.CreateException("blockstep create does not write compression_type=zstd (blockstep "
                + "reads and writes zlib clusters only)");
    }

    static long number(String key, String value, boolean size) throws Qcow2Create.CreateException {
        try {
            if (value == null) {
                throw new Cvtnum.NumberException("");
            }
            return size ? Cvtnum.parse(value) : strtou64(value);
        } catch (Cvtnum.NumberException | NumberFormatException e) {
            // a size option's error carries qemu's hint on the suffixes, two lines of its own
            throw new Qcow2Create.CreateException("Parameter '" + key + "' expects "
                    + (size ? "a non-negative number below 2^64\nOptional suffix k, M, G, T, P or E means kilo-, "
                    + "mega-, giga-, tera-, peta-\nand exabytes, respectively." : "a number"));
        }
    }

    /**
     * qemu_strtou64 over the whole value, as QemuOpts reads a number option: decimal, 0x hex or 0 octal, and a
     * leading minus that wraps around (refcount_bits=-1 is 2^64 - 1, which qemu prints back as -1).
     */
    private static long strtou64(String value) {
        CInteger c = CInteger.parse(value);
        if (c == null || c.magnitude().bitLength() > 64) {
            throw new NumberFormatException(value);
        }
        return c.negative() ? -c.magnitude().longValue() : c.magnitude().longValue();
    }

    /** qapi's bool parsing: the spelling is kept, as qemu-img prints it back. */
    private static String bool(String key, String value) throws Qcow2Create.CreateException {
        if (value != null && (isOn(value) || List.of("off", "no", "false", "n").contains(value))) {
            return value;
        }
        throw new Qcow2Create.CreateException("Parameter '" + key + "' expects 'on' or 'off'");
    }

    private static boolean isOn(String value) {
        return List.of("on", "yes", "true", "y").contains(value);
    }

    private static int version(String compat) throws Qcow2Create.CreateException {
        if (compat == null) {
            return 3;
        }
        return switch (compat) {
            case "0.10", "v2" -> 2;
            case "1.1", "v3" -> 3;
            default -> throw new Qcow2Create.CreateException("Parameter 'version' does not accept value '" + compat + "'");
        };
    }

    private static Qcow2Create.Preallocation preallocation(String value) throws Qcow2Create.CreateException {
        if (value == null) {
            return Qcow2Create.Preallocation.OFF;
        }
        return switch (value) {
            case "off" -> Qcow2Create.Preallocation.OFF;
            case "metadata" -> Qcow2Create.Preallocation.METADATA;
            case "falloc" -> Qcow2Create.Preallocation.FALLOC;
            case "full" -> Qcow2Create.Preallocation.FULL;
            default -> throw new Qcow2Create.CreateException("Parameter 'preallocation' does not accept value '" + value + "'");
        };
    }
}
