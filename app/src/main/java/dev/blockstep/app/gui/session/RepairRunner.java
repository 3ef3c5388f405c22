package dev.blockstep.app.gui.session;

import dev.blockstep.engine.check.CheckReport;
import dev.blockstep.engine.check.HostClusterUse;
import dev.blockstep.engine.check.ImageBytes;
import dev.blockstep.engine.check.ImageRepair;
import dev.blockstep.engine.check.ReferenceCounts;
import dev.blockstep.engine.check.RepairMode;
import dev.blockstep.engine.check.RepairWrite;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.format.ImageFormatException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * "Repair (qemu-img check -r all)" for the debugger: repairs the current image in memory, never the
 * session's own bytes, and says what the repair changed, naming what each changed cluster held before.
 * Runs on the engine worker, like {@link CheckRunner}; the action that shows it is left to the window.
 */
public final class RepairRunner {

    /**
     * @param report   what qemu-img check -r all prints (stdout, then stderr)
     * @param exitCode its exit code
     * @param changes  one line per write, punch or growth, in the order the repair made them
     * @param repaired the image as the repair left it
     */
    public record RepairReport(String report, int exitCode, List<String> changes, HostFile repaired) {
    }

    /** What the Repair menu item shows: the check before, the repair, and the check of the repaired copy. */
    public record BeforeAndAfter(CheckRunner.CheckResult before, RepairReport repair, CheckRunner.CheckResult after) {
    }

    private RepairRunner() {
    }

    public static RepairReport repairAll(HostFile image) {
        HostFile copy = image.copy();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        ImageBytes bytes = ImageBytes.of(copy);
        ImageRepair.Outcome outcome = ImageRepair.repair(bytes, "image", null, RepairMode.ALL, CheckReport.Format.HUMAN,
                false, new PrintWriter(out), new PrintWriter(err));
        ReferenceCounts before = referenceCounts(bytes);
        List<String> changes = new ArrayList<>();
        for (RepairWrite w : outcome.writes()) {
            changes.add(describe(w, before));
        }
        HostFile repaired = image.copy();
        byte[] buf = new byte[1 << 16];
        for (RepairWrite w : outcome.writes()) {
            for (long at = w.offset(); at < w.offset() + w.length(); at += buf.length) {
                int n = (int) Math.min(buf.length, w.offset() + w.length() - at);
                outcome.bytes().read(at, buf, 0, n);
                repaired.write(at, buf, 0, n);
            }
        }
        return new RepairReport(out + err.toString(), outcome.exitCode(), List.copyOf(changes), repaired);
    }

    private static ReferenceCounts referenceCounts(ImageBytes bytes) {
        try {
            return ReferenceCounts.of(bytes, "image");
        } catch (ImageFormatException e) {
            return null; // the image does not open; changes are then described by offset alone
        }
    }

    private static String describe(RepairWrite w, ReferenceCounts before) {
        String verb = switch (w.kind()) {
            case WRITE -> "wrote " + w.length() + " bytes at 0x" + Long.toHexString(w.offset());
            case PUNCH -> "freed and punched 0x" + Long.toHexString(w.offset());
            case GROW -> "grew the file by " + w.length() + " bytes to hold a refcount block";
        };
        if (before == null || w.kind() == RepairWrite.Kind.GROW) {
            return verb;
        }
        HostClusterUse use = before.cluster(w.offset() / before.clusterSize());
        return verb + " (" + (use == null ? "free" : use.role().label()) + " before the repair)";
    }
}
