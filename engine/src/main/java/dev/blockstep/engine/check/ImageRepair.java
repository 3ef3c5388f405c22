package dev.blockstep.engine.check;

import static dev.blockstep.engine.qcow2.format.Qcow2Constants.INCOMPAT_CORRUPT;
import static dev.blockstep.engine.qcow2.format.Qcow2Constants.INCOMPAT_DIRTY;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * {@code qemu-img check -r leaks|all} for qcow2 images: qemu-img 7.2's repair pass with its stderr lines,
 * the "repaired" paragraph and the re-check ("Double checking the fixed image now..."), its summary and exit
 * code, and the repaired bytes. The repair works on a {@link RepairedImage} over the original bytes; the
 * caller decides where the result goes ({@link Outcome#writeBack}), so the GUI can show a repair without
 * touching its image.
 */
public final class ImageRepair {

    /**
     * What a repair run left: qemu-img's exit code and the image as the repair left it (unchanged when
     * nothing was repaired or the image could not be opened).
     */
    public static final class Outcome {
        private final int exitCode;
        private final RepairedImage image;

        Outcome(int exitCode, RepairedImage image) {
            this.exitCode = exitCode;
            this.image = image;
        }

        public int exitCode() {
            return exitCode;
        }

        /** Whether the repair wrote anything. */
        public boolean changed() {
            return image != null && image.changed();
        }

        /** What the repair wrote, punched and grew, in order (the refcount cache's blocks come last). */
        public java.util.List<RepairWrite> writes() {
            return image == null ? java.util.List.of() : image.writes();
        }

        /** The repaired image's bytes, for a before/after comparison; valid until the original is closed. */
        public ImageBytes bytes() {
            return image;
        }

        /** Writes the repair's changes into {@code file}, which must hold the original bytes. */
        public void writeBack(Path file) throws IOException {
            if (image != null) {
                image.writeBack(file);
            }
        }
    }

    private ImageRepair() {
    }

    /**
     * Repairs {@code original} in memory and prints what qemu-img check -r prints. {@code original} is only
     * read; it stays open for the outcome's use and is the caller's to close.
     */
    public static Outcome repair(ImageBytes original, String name, String imageFormat, RepairMode mode,
                                 CheckReport.Format format, boolean quiet, PrintWriter out, PrintWriter err) {
        CheckOutput lines = line -> {
            err.println(line);
            err.flush();
        };
        RepairedImage target = new RepairedImage(original);
        CheckResult result;
        try {
            boolean[] driverGone = {false};
            CheckResult first = checkOnce(target, name, imageFormat, mode, lines, driverGone);
            markCleanWhenRepaired(target, first);
            result = first;
            if (first.corruptionsFixed() != 0 || first.leaksFixed() != 0) {
                if (format == CheckReport.Format.HUMAN && !quiet) {
                    out.print("The following inconsistencies were found and repaired:\n\n    " + first.leaksFixed()
                            + " leaked clusters\n    " + first.corruptionsFixed() + " corruptions\n\n"
                            + "Double checking the fixed image now...\n");
                    out.flush();
                }
                if (driverGone[0]) {
                    // bdrv_check on a node whose driver a fatal corruption event removed
                    throw new CheckException(CheckException.Kind.CHECK_FAILED, "Check failed: No medium found");
                }
                result = checkOnce(target, name, imageFormat, RepairMode.NONE, lines, driverGone)
                        .withFixed(first.corruptionsFixed(), first.leaksFixed());
            }
        } catch (CheckException e) {
            err.println("qemu-img: " + e.getMessage());
            err.flush();
            return new Outcome(e.exitCode(), target);
        } catch (UncheckedIOException e) {
            err.println("qemu-img: Check failed: " + e.getCause().getMessage());
            err.flush();
            return new Outcome(1, target);
        }
        if (!quiet) {
            out.print(CheckReport.format(result, name, format));
        }
        out.flush();
        if (result.checkErrors() != 0) {
            err.println("qemu-img: Check failed");
            err.flush();
        }
        return new Outcome(result.exitCode(), target);
    }

    /** One bdrv_check on the open image; {@code driverGone[0]} tells whether it ended with the driver gone. */
    private static CheckResult checkOnce(RepairedImage target, String name, String imageFormat, RepairMode mode,
                                         CheckOutput lines, boolean[] driverGone) throws CheckException {
        if ("raw".equals(imageFormat)) {
            throw new CheckException(CheckException.Kind.NO_CHECK_FOR_FORMAT, "This image format does not support checks");
        }
        if (imageFormat != null && !imageFormat.equals("qcow2")) {
            throw CheckException.openFailed(name, "blockstep check supports only the formats qcow2 and raw, not '"
                    + imageFormat + "'");
        }
        OpenImage image = Qcow2Open.open(target, name, imageFormat == null);
        if (image.header().backingFileOffset() != 0 && image.header().backingFileSize() != 0) {
            // qemu repairs the top image only; blockstep's repair has not been compared with it on a chain
            throw Qcow2Open.unmodelled(name, "backing_file_size", 0x10, "repairing images with a backing file");
        }
        Qcow2Check check = new Qcow2Check(image, target, mode, lines);
        try {
            return check.run();
        } finally {
            check.close();
            driverGone[0] = check.events.driverGone();
        }
    }

    /**
     * qcow2_co_check_locked after a repair that left no corruption: the dirty and corrupt bits are cleared.
     * qemu rewrites the whole header for this; the incompatible-features field is the only field that
     * changes when the header is in qemu's own layout.
     */
    static void markCleanWhenRepaired(RepairedImage target, CheckResult first) {
        if (first.checkErrors() != 0 || first.corruptions() != 0) {
            return;
        }
        long features = java.nio.ByteBuffer.wrap(target.read(0x48, 8)).getLong();
        long cleared = features & ~(INCOMPAT_DIRTY | INCOMPAT_CORRUPT);
        if (cleared != features) {
            target.write(0x48, Qcow2Check.be64(cleared));
        }
    }
}
