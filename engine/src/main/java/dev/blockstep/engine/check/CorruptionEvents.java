package dev.blockstep.engine.check;

import static dev.blockstep.engine.qcow2.format.Qcow2Constants.INCOMPAT_CORRUPT;

import java.nio.ByteBuffer;

/**
 * qcow2_signal_corruption as a check meets it. Read-only, the event is non-fatal and only printed once.
 * During a repair (the image is writable) it is fatal: qemu marks the image corrupt in its header and
 * makes the node unusable, so its caches are never flushed and a later check of the node fails.
 */
final class CorruptionEvents {

    private final CheckOutput out;
    private final RepairedImage target;
    private boolean signalled;
    private boolean corruptBit;
    private boolean driverGone;

    CorruptionEvents(CheckOutput out, RepairedImage target, long incompatibleFeatures) {
        this.out = out;
        this.target = target;
        this.corruptBit = (incompatibleFeatures & INCOMPAT_CORRUPT) != 0;
    }

    void signal(String message) {
        boolean fatal = target != null;
        if (signalled && (!fatal || corruptBit)) {
            return;
        }
        if (fatal) {
            out.err("qcow2: Marking image as corrupt: " + message + "; further corruption events will be suppressed");
            // qcow2_mark_corrupt rewrites the header; in qemu's own header layout only this field changes.
            long features = ByteBuffer.wrap(target.read(0x48, 8)).getLong() | INCOMPAT_CORRUPT;
            target.write(0x48, Qcow2Check.be64(features));
            corruptBit = true;
            driverGone = true;
        } else {
            out.err("qcow2: Image is corrupt: " + message + "; further non-fatal corruption events will be suppressed");
        }
        signalled = true;
    }

    /** Whether a fatal event took the driver away (bs->drv = NULL). */
    boolean driverGone() {
        return driverGone;
    }
}
