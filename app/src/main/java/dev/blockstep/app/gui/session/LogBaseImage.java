package dev.blockstep.app.gui.session;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The image a qemu log started from, looked up beside the log. A log records what qemu did, not the bytes it
 * started with, so replaying it on any other image (an empty one in particular) tells a different story.
 */
final class LogBaseImage {
    private LogBaseImage() {
    }

    /** {@code NAME.base.qcow2} (NAME being the log's name without its last extension), then {@code base.qcow2}. */
    static Path beside(Path log) throws TargetSource.OpenException {
        Path dir = log.toAbsolutePath().getParent();
        String name = log.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        for (String candidate : new String[] {stem + ".base.qcow2", "base.qcow2"}) {
            Path p = dir.resolve(candidate);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new TargetSource.OpenException(log + ": no base image beside the log (expected " + stem
                + ".base.qcow2 or base.qcow2 in " + dir + "); a log does not record the image it started from, so"
                + " blockstep will not guess one: put it there, or run blockstep import-qemu-log --base IMAGE "
                + name + " -o TRACE and open the trace");
    }
}
