package dev.blockstep.engine.check;

import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.format.ImageFormatException;
import dev.blockstep.engine.qcow2.format.Qcow2Constants;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What qcow2_do_open does with a dirty image (lazy refcounts, not closed) it opens read-write: qcow2_co_check_locked
 * with BDRV_FIX_ERRORS | BDRV_FIX_LEAKS, the first pass of qemu-img check -r all. Only the check's own stderr lines
 * are printed (no summary, no second check); the repair clears the dirty bit when it leaves no corruption, and the
 * open fails only when the check itself failed. A read-only open and qemu-img check (BDRV_O_CHECK) do not repair.
 */
public final class DirtyImageRepair {
    private DirtyImageRepair() {
    }

    /** Whether {@code file} is a qcow2 v3 image with the dirty bit set. */
    public static boolean isDirty(HostFile file) {
        if (file.length() < 0x50 || file.readBe64(0) >>> 32 != (Qcow2Constants.QCOW_MAGIC & 0xffffffffL)
                || (file.readBe64(0) & 0xffffffffL) < 3) {
            return false;
        }
        return (file.readBe64(0x48) & Qcow2Constants.INCOMPAT_DIRTY) != 0;
    }

    /**
     * The read-write open's repair of {@code file} (the engine's copy), in place: null when the image is not dirty,
     * else what was repaired. The check's lines go to {@code err} as they are printed, before any failure.
     *
     * @throws ImageFormatException when qemu's open fails ("Could not repair dirty image: ..." or the check's
     *         own refusal)
     */
    public static OpenRepair onReadWriteOpen(HostFile file, String name, Consumer<String> err)
            throws ImageFormatException {
        if (!isDirty(file)) {
            return null;
        }
        List<String> lines = new ArrayList<>();
        RepairedImage target = new RepairedImage(ImageBytes.of(file));
        CheckResult result;
        try {
            OpenImage image = Qcow2Open.open(target, name, false);
            if (image.header().backingFileOffset() != 0 && image.header().backingFileSize() != 0) {
                throw Qcow2Open.unmodelled(name, "backing_file_size", 0x10, "repairing images with a backing file");
            }
            Qcow2Check check = new Qcow2Check(image, target, RepairMode.ALL, line -> {
                lines.add(line);
                err.accept(line);
            });
            try {
                result = check.run();
            } finally {
                check.close();
            }
            if (result.checkErrors() != 0) {
                throw new ImageFormatException("Could not repair dirty image: Input/output error");
            }
            ImageRepair.markCleanWhenRepaired(target, result);
        } catch (CheckException e) {
            throw new ImageFormatException(e.getMessage());
        }
        target.writeBack(file);
        return new OpenRepair(name, result.leaksFixed(), result.corruptionsFixed(), lines);
    }
}
