package dev.blockstep.app.cli;

import dev.blockstep.engine.check.ImageInfoReport;
import dev.blockstep.engine.event.EngineEventSink;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.image.ImageFileException;
import dev.blockstep.engine.image.ImageFiles;
import dev.blockstep.engine.qcow2.BackingChain;
import dev.blockstep.engine.qcow2.format.FormatSpecificInfo;
import dev.blockstep.engine.qcow2.Qcow2Driver;
import dev.blockstep.engine.qcow2.format.BackingFile;
import dev.blockstep.engine.qcow2.format.Header;
import dev.blockstep.engine.qcow2.format.ImageFormatException;
import dev.blockstep.engine.qcow2.format.Qcow2Constants;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code blockstep info}: qemu-img info for a qcow2 image (and with {@code --backing-chain}, every image under
 * it), human or JSON, as qemu-img 7.2 prints it. Images are opened read-only and never written.
 */
@Command(name = "info", description = "Print what qemu-img info (qemu 7.2) prints for a qcow2 image.",
        mixinStandardHelpOptions = true)
public final class InfoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    QemuImgOutput output;

    @Option(names = "-f", paramLabel = "FMT", description = "Image format: qcow2 (the only one info opens on top).")
    String imageFormat;

    @Option(names = "--backing-chain", description = "Report every image of the backing chain, top first.")
    boolean backingChain;

    @Option(names = {"-U", "--force-share"}, description = "Open with shared permissions (changes nothing here).")
    boolean forceShare;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "The qcow2 image file (read only).")
    String image;

    @Override
    public Integer call() {
        return output.run(spec, this::info);
    }

    private int info(PrintWriter out, PrintWriter err) {
        if (imageFormat != null && !imageFormat.equals("qcow2")) {
            err.println("qemu-img: blockstep info opens only qcow2 images, not '" + imageFormat + "'");
            return 1;
        }
        List<ImageInfoReport> chain = new ArrayList<>();
        String name = image;
        String format = "qcow2";
        while (name != null) {
            try {
                Path path = Path.of(name);
                HostFile file = ImageFiles.load(path, name);
                if (format.equals("raw")) {
                    chain.add(new ImageInfoReport(name, "raw", file.length(), 0, allocated(path), false, null, null));
                    break;
                }
                Header h = headerOnly(file);
                BackingFile b;
                if (h != null) {
                    b = BackingFile.read(file.read(0, (int) Math.min(file.length(), h.clusterSize())), h, name);
                } else {
                    Qcow2Driver d = Qcow2Driver.open(file, name, EngineEventSink.NONE, BackingChain.of(path));
                    h = d.header();
                    b = d.backingFile();
                }
                ImageInfoReport.Backing backing = b == null ? null
                        : new ImageInfoReport.Backing(b.name(), pathCombine(name, b.name()), b.format());
                chain.add(new ImageInfoReport(name, "qcow2", h.size(), h.clusterSize(), allocated(path),
                        (h.incompatibleFeatures() & Qcow2Constants.INCOMPAT_DIRTY) != 0, backing,
                        FormatSpecificInfo.of(h, false)));
                name = backingChain && b != null ? backing.fullFilename() : null;
                format = b != null && "raw".equals(b.format()) ? "raw" : "qcow2";
            } catch (InvalidPathException e) {
                err.println("qemu-img: Could not open '" + name + "': " + e.getReason());
                return 1;
            } catch (ImageFileException | ImageFormatException e) {
                err.println("qemu-img: Could not open '" + name + "': " + e.getMessage());
                return 1;
            }
        }
        if (output.json()) {
            out.print(backingChain ? ImageInfoReport.json(chain) : chain.get(0).json());
            return 0;
        }
        for (int i = 0; i < chain.size(); i++) {
            if (i > 0) {
                out.println();
            }
            chain.get(i).humanLines().forEach(out::println);
        }
        return 0;
    }

    /**
     * The header of an image qemu opens but the engine does not model (version 2, lazy refcounts, extended L2
     * entries), which info reads from the header alone; null for every other file, which the driver opens (and
     * refuses with its own line when qemu would).
     */
    private static Header headerOnly(HostFile file) {
        if (file.length() < 112 || file.readBe64(0) >>> 32 != (Qcow2Constants.QCOW_MAGIC & 0xffffffffL)) {
            return null;
        }
        Header h = Header.decode(file.read(0, 112));
        boolean clusterOk = h.clusterBits() >= Qcow2Constants.MIN_CLUSTER_BITS
                && h.clusterBits() <= Qcow2Constants.MAX_CLUSTER_BITS;
        boolean engineLacks = h.version() == 2 || (h.compatibleFeatures() & Qcow2Constants.COMPAT_LAZY_REFCOUNTS) != 0
                || (h.incompatibleFeatures() & Qcow2Constants.INCOMPAT_EXTL2) != 0;
        boolean otherwiseKnown = (h.incompatibleFeatures() & ~Qcow2Constants.INCOMPAT_EXTL2) == 0
                && h.autoclearFeatures() == 0 && (h.version() == 2 || h.version() == 3);
        return clusterOk && engineLacks && otherwiseKnown ? h : null;
    }

    /** path_combine: a relative backing name is taken from the directory of the image that names it. */
    static String pathCombine(String base, String name) {
        if (name.startsWith("/")) {
            return name;
        }
        int slash = base.lastIndexOf('/');
        return slash < 0 ? name : base.substring(0, slash + 1) + name;
    }

    /**
     * st_blocks * 512, which qemu-img reports as the disk size. Java's file attributes do not carry st_blocks, so
     * coreutils' stat is asked; without it the size is "unavailable", as qemu says when it cannot tell.
     */
    private static OptionalLong allocated(Path path) {
        try {
            Process p = new ProcessBuilder("stat", "-L", "--format=%b %B", path.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return OptionalLong.empty();
            }
            String[] f = text.split(" ");
            return OptionalLong.of(Long.parseLong(f[0]) * Long.parseLong(f[1]));
        } catch (IOException | NumberFormatException | ArrayIndexOutOfBoundsException e) {
            return OptionalLong.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalLong.empty();
        }
    }
}
