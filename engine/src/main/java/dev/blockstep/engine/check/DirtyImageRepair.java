package dev.blockstep.engine.check;

import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.format.Qcow2Constants;
import java.util.function.Consumer;

/**
 * What qcow2_do_open does with a dirty image (lazy refcounts, not closed) it opens read-write: qcow2_co_check_locked
 * with BDRV_FIX_ERRORS | BDRV_FIX_LEAKS, the first pass of qemu-img check -r all. Only the check's own stderr lines
 * are printed (no summary, no second check); the repair clears the dirty bit when it leaves no corruption, and the
 * open fails only when the check itself failed.
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
     * Repairs {@code file} in place, printing the check's lines to {@code err}. Returns null when the open may go
     * on, or the reason it fails (qemu's "Could not repair dirty image: ..." or the check's own refusal).
     */
    public static String repair(HostFile file, String name, Consumer<String> err) {
        RepairedImage target = new RepairedImage(ImageBytes.of(file));
        try {
            OpenImage image = Qcow2Open.open(target, name, false);
            if (image.header().backingFileOffset() != 0 && image.header().backingFileSize() != 0) {
                throw Qcow2Open.unmodelled(name, "backing_file_size", 0x10, "repairing images with a backing file");
            }
            Qcow2Check check = new Qcow2Check(image, target, RepairMode.ALL, err::accept);
            CheckResult result;
            try {
                result = check.run();
            } finally {
                check.close();
            }
            if (result.checkErrors() != 0) {
                return "Could not repair dirty image: Input/output error";
            }
            ImageRepair.markCleanWhenRepaired(target, result);
        } catch (CheckException e) {
            return e.getMessage();
        }
        target.writeBack(file);
        return null;
    }
}
