package dev.blockstep.app.gui.session;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The QMP command of the block job a qemu-system log shows, when the log alone does not name it: blockdev-mirror and
 * an active block-commit both print mirror_start, and neither prints the target or the copy-mode. The command is
 * JSON as a trace's {@code job} field holds it ({@code import-qemu-log --job}), in {@code NAME.job.json} beside the
 * log or in a file the user picks.
 */
final class LogJob {
    private LogJob() {
    }

    /** {@code NAME.job.json} beside the log, or null when there is none. */
    static Path beside(Path log) {
        Path p = log.toAbsolutePath().getParent().resolve(LogBaseImage.stem(log) + ".job.json");
        return Files.isRegularFile(p) ? p : null;
    }

    /** Whether the log shows a mirror's start; a log that cannot be read is left for the open to report. */
    static boolean showsMirror(Path log) {
        try (BufferedReader r = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.contains("mirror_start ")) {
                    return true;
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            return false;
        }
        return false;
    }

    /** The refusal when the user was asked for the job's command and chose none. */
    static String noneChosen(Path log) {
        return log + ": not opened: no job command chosen, and the log shows a mirror (mirror_start) without naming "
                + "its QMP command (blockdev-mirror's target and copy-mode, or an active block-commit); put it in "
                + LogBaseImage.stem(log) + ".job.json beside the log";
    }
}
