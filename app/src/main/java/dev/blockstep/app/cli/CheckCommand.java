package dev.blockstep.app.cli;

import dev.blockstep.engine.check.CheckReport;
import dev.blockstep.engine.check.ImageCheck;
import dev.blockstep.engine.check.RepairMode;
import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code blockstep check}: qemu-img check for a qcow2 image, with the same output and exit codes
 * (0 clean, 1 check failed or image unreadable, 2 corruptions, 3 leaks only, 63 not a qcow2 image).
 * Without {@code -r} the image is opened read-only and never written; with {@code -r leaks|all} it is
 * repaired as qemu-img repairs it, and only that file is written.
 */
@Command(name = "check",
        description = "Check (and with -r repair) a qcow2 image's metadata exactly as qemu-img check (qemu 7.2) does.",
        mixinStandardHelpOptions = true)
public final class CheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    QemuImgOutput output;

    @Option(names = "-f", paramLabel = "FMT", description = "Image format (qcow2 or raw); probed when absent.")
    String imageFormat;

    @Option(names = "-q", description = "Quiet: no summary on stdout; errors are still printed.")
    boolean quiet;

    @Option(names = "-r", paramLabel = "leaks|all",
            description = "Repair as qemu-img check -r does: leaks only, or all errors; writes only IMAGE.")
    String repair;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "The qcow2 image file.")
    String image;

    @Override
    public Integer call() {
        return output.run(spec, this::check);
    }

    private int check(PrintWriter out, PrintWriter err) {
        CheckReport.Format format = output.json() ? CheckReport.Format.JSON : CheckReport.Format.HUMAN;
        RepairMode mode = RepairMode.NONE;
        if (repair != null) {
            mode = RepairMode.parse(repair);
            if (mode == null) {
                err.println("qemu-img: Unknown option value for -r (expecting 'leaks' or 'all'): " + repair);
                err.println("Try 'qemu-img --help' for more information");
                return 1;
            }
        }
        Path path;
        try {
            path = Path.of(image);
        } catch (InvalidPathException e) {
            err.println("qemu-img: Could not open '" + image + "': " + e.getReason());
            return 1;
        }
        return ImageCheck.run(path, image, imageFormat, format, quiet, mode, out, err);
    }
}
