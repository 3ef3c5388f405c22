package dev.blockstep.app.gui.session;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The image a qemu log started from, looked up beside the log. A log records what qemu did, not the bytes it
 * started with, so replaying it on any other image (an empty one in particular) tells a different story.
 */
final class LogBaseImage {
    private LogBaseImage() {
    }

    /** {@code NAME.base.qcow2} (NAME being the log's name without its last extension), then {@code base.qcow2}. */
    static Optional<Path> find(Path log) {
        Path dir = log.toAbsolutePath().getParent();
        for (String candidate : new String[] {stem(log) + ".base.qcow2", "base.qcow2"}) {
            Path p = dir.resolve(candidate);
            if (Files.isRegularFile(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    static Path beside(Path log) throws TargetSource.OpenException {
        Optional<Path> found = find(log);
        if (found.isEmpty()) {
            throw new TargetSource.OpenException(log + ": no base image beside the log (expected " + stem(log)
                    + ".base.qcow2 or base.qcow2 in " + log.toAbsolutePath().getParent() + "); a log does not record"
                    + " the image it started from, so blockstep will not guess one: put it there, or run blockstep"
                    + " import-qemu-log --base IMAGE " + log.getFileName() + " -o TRACE and open the trace");
        }
        return found.get();
    }

    /** The qemu-io script that produced the log, {@code NAME.qemu-io} beside it, or null when there is none. */
    static Path script(Path log) {
        Path p = log.toAbsolutePath().getParent().resolve(stem(log) + ".qemu-io");
        return Files.isRegularFile(p) ? p : null;
    }

    /** The refusal when the user was asked for the base image and chose none. */
    static String noneChosen(Path log) {
        return log + ": not opened: no base image chosen, and a log does not record the image it started from"
                + " (blockstep will not replay it on a guessed empty image)";
    }

    static String stem(Path log) {
        String name = log.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
