package dev.blockstep.engine.check;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * {@code qemu-img check} for qcow2 images, read-only: the same stderr lines, stdout summary and exit code
 * as qemu 7.2, computed from the bytes on disk and nothing else.
 */
public final class ImageCheck {

    private ImageCheck() {
    }

    /**
     * Opens and checks an image, sending per-cluster lines to {@code err} as they are found.
     *
     * @param file the name qemu would print in messages
     * @throws CheckException when the image cannot be opened or the check cannot finish; its message is
     *                        qemu-img's line without the program prefix
     */
    public static CheckResult check(ImageBytes bytes, String file, CheckOutput err) throws CheckException {
        return check(bytes, file, null, err);
    }

    /**
     * @param format null to probe the format as qemu-img does, or "qcow2" / "raw" as given with -f
     */
    public static CheckResult check(ImageBytes bytes, String file, String format, CheckOutput err)
            throws CheckException {
        return check(bytes, file, format, null, err);
    }

    /** @param path where the image was read from, to open its backing chain as qemu-img does; null for none */
    private static CheckResult check(ImageBytes bytes, String file, String format, Path path, CheckOutput err)
            throws CheckException {
        if ("raw".equals(format)) {
            throw new CheckException(CheckException.Kind.NO_CHECK_FOR_FORMAT, "This image format does not support checks");
        }
        if (format != null && !format.equals("qcow2")) {
            throw CheckException.openFailed(file, "blockstep check supports only the formats qcow2 and raw, not '"
                    + format + "'");
        }
        OpenImage image = Qcow2Open.open(bytes, file, format == null);
        if (path != null) {
            CheckChain.open(path, file, image, bytes);
        }
        return new Qcow2Check(image, bytes, err, false).run();
    }

    /**
     * Runs the whole command as qemu-img does: stderr lines as found, the summary on {@code out} (when the
     * check finished), a {@code qemu-img: } line for failures, and qemu-img's exit code.
     *
     * @param name the file name as the user gave it, used in messages and the JSON "filename"
     */
    public static int run(Path path, String name, CheckReport.Format format, PrintWriter out, PrintWriter err) {
        return run(path, name, null, format, false, out, err);
    }

    /**
     * @param imageFormat null to probe, or the -f argument
     * @param quiet       -q: no summary on stdout (stderr lines and failures are still printed)
     */
    public static int run(Path path, String name, String imageFormat, CheckReport.Format format, boolean quiet,
                          PrintWriter out, PrintWriter err) {
        return run(path, name, imageFormat, format, quiet, RepairMode.NONE, out, err);
    }

    /**
     * @param repair NONE opens the file read-only and never writes it; LEAKS and ALL repair it as
     *               qemu-img check -r does and write the repair into this file only
     */
    public static int run(Path path, String name, String imageFormat, CheckReport.Format format, boolean quiet,
                          RepairMode repair, PrintWriter out, PrintWriter err) {
        if (repair != RepairMode.NONE) {
            return runRepair(path, name, imageFormat, format, quiet, repair, out, err);
        }
        ImageBytes bytes;
        try {
            bytes = openFile(path, name);
        } catch (CheckException e) {
            err.println("qemu-img: " + e.getMessage());
            err.flush();
            return e.exitCode();
        }
        return report(bytes, name, imageFormat, format, quiet, path, out, err);
    }

    /**
     * The reporting half of {@link #run}, for an image already open (a file, or an engine's image in memory).
     * Closes {@code bytes}.
     */
    public static int report(ImageBytes bytes, String name, String imageFormat, CheckReport.Format format,
                             boolean quiet, PrintWriter out, PrintWriter err) {
        return report(bytes, name, imageFormat, format, quiet, null, out, err);
    }

    private static int report(ImageBytes bytes, String name, String imageFormat, CheckReport.Format format,
                              boolean quiet, Path path, PrintWriter out, PrintWriter err) {
        try (bytes) {
            CheckResult r = check(bytes, name, imageFormat, path, line -> {
                err.println(line);
                err.flush();
            });
            if (!quiet) {
                out.print(CheckReport.format(r, name, format));
            }
            out.flush();
            if (r.checkErrors() != 0) {
                err.println("qemu-img: Check failed");
                err.flush();
            }
            return r.exitCode();
        } catch (CheckException e) {
            err.println("qemu-img: " + e.getMessage());
            err.flush();
            return e.exitCode();
        } catch (java.io.UncheckedIOException e) {
            err.println("qemu-img: Check failed: " + e.getCause().getMessage());
            err.flush();
            return 1;
        }
    }

    private static int runRepair(Path path, String name, String imageFormat, CheckReport.Format format, boolean quiet,
                                 RepairMode repair, PrintWriter out, PrintWriter err) {
        try (ImageBytes bytes = openFile(path, name)) {
            if (!Files.isWritable(path)) {
                throw CheckException.openFailed(name, "Could not open '" + name + "': Permission denied");
            }
            ImageRepair.Outcome outcome = ImageRepair.repair(bytes, name, imageFormat, repair, format, quiet, out, err);
            try {
                outcome.writeBack(path);
            } catch (IOException e) {
                err.println("qemu-img: " + name + ": could not write the repair: " + e.getMessage());
                err.flush();
                return 1;
            }
            return outcome.exitCode();
        } catch (CheckException e) {
            err.println("qemu-img: " + e.getMessage());
            err.flush();
            return e.exitCode();
        }
    }

    private static ImageBytes openFile(Path path, String name) throws CheckException {
        if (Files.isDirectory(path) || (Files.exists(path) && !Files.isRegularFile(path))) {
            // A FIFO would block forever (qemu-img check does) and a device never ends: refuse both at once.
            throw CheckException.openFailed(name, "'file' driver requires '" + name + "' to be a regular file");
        }
        try {
            return ImageBytes.open(path);
        } catch (NoSuchFileException e) {
            throw CheckException.openFailed(name, "Could not open '" + name + "': No such file or directory");
        } catch (AccessDeniedException e) {
            throw CheckException.openFailed(name, "Could not open '" + name + "': Permission denied");
        } catch (IOException e) {
            throw CheckException.openFailed(name, "Could not open '" + name + "': " + e.getMessage());
        }
    }
}
