package dev.blockstep.app.cli;

import dev.blockstep.engine.qcow2.ImageMap;
import dev.blockstep.engine.event.EngineEventSink;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.image.ImageFileException;
import dev.blockstep.engine.image.ImageFiles;
import dev.blockstep.engine.qcow2.BackingChain;
import dev.blockstep.engine.qcow2.Qcow2Driver;
import dev.blockstep.engine.qcow2.format.ImageFormatException;
import dev.blockstep.trace.qemuio.Cvtnum;
import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code blockstep map}: qemu-img map for a qcow2 image and its backing chain, human or JSON, as qemu-img 7.2
 * prints it. The image and its chain are opened read-only and never written.
 */
@Command(name = "map", description = "Print where a qcow2 image's guest data lives, as qemu-img map (qemu 7.2) does.",
        mixinStandardHelpOptions = true)
public final class MapCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    QemuImgOutput output;

    @Option(names = "-f", paramLabel = "FMT", description = "Image format: qcow2 (the only one map reads).")
    String imageFormat;

    @Option(names = "--start-offset", paramLabel = "OFFSET", description = "Start at this guest offset.")
    String startOffset;

    @Option(names = "--max-length", paramLabel = "LEN", description = "Map at most this many bytes.")
    String maxLength;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "The qcow2 image file (read only).")
    String image;

    @Override
    public Integer call() {
        return output.run(spec, this::map);
    }

    private int map(PrintWriter out, PrintWriter err) {
        if (imageFormat != null && !imageFormat.equals("qcow2")) {
            err.println("qemu-img: blockstep map reads only qcow2 images, not '" + imageFormat + "'");
            return 1;
        }
        long start;
        long max;
        try {
            start = startOffset == null ? 0 : Cvtnum.parse(startOffset);
            max = maxLength == null ? Long.MAX_VALUE : Cvtnum.parse(maxLength);
        } catch (Cvtnum.NumberException e) {
            err.println("qemu-img: Invalid " + (startOffset != null && !parses(startOffset) ? "start offset"
                    : "max length") + " specified. You may use k, M, G, T, P or E suffixes for");
            err.println("qemu-img: kilobytes, megabytes, gigabytes, terabytes, petabytes and exabytes.");
            return 1;
        }
        Qcow2Driver driver;
        try {
            Path path = Path.of(image);
            HostFile file = ImageFiles.load(path, image);
            driver = Qcow2Driver.open(file, image, EngineEventSink.NONE, BackingChain.of(path));
        } catch (InvalidPathException e) {
            err.println("qemu-img: Could not open '" + image + "': " + e.getReason());
            return 1;
        } catch (ImageFileException | ImageFormatException e) {
            err.println("qemu-img: Could not open '" + image + "': " + e.getMessage());
            return 1;
        }
        List<ImageMap.Entry> entries = ImageMap.map(driver, image, start, max);
        if (output.json()) {
            out.print(ImageMap.json(entries));
            return 0;
        }
        ImageMap.HumanTable table = ImageMap.human(entries);
        table.lines().forEach(out::println);
        if (table.failed()) {
            out.flush();
            err.println("qemu-img: File contains external, encrypted or compressed clusters.");
            return 1;
        }
        return 0;
    }

    private static boolean parses(String n) {
        try {
            Cvtnum.parse(n);
            return true;
        } catch (Cvtnum.NumberException e) {
            return false;
        }
    }
}
