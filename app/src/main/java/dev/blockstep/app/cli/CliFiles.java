package dev.blockstep.app.cli;

import dev.blockstep.trace.Trace;
import dev.blockstep.trace.io.TraceWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** File access with one-line errors. */
final class CliFiles {

    private CliFiles() {
    }

    static String read(Path file) throws CliException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CliException(file + ": no such file");
        } catch (IOException e) {
            throw new CliException("cannot read " + file + ": " + e.getMessage());
        }
    }

    static void write(Trace trace, Path file) throws CliException {
        try {
            TraceWriter.write(trace, file);
        } catch (IOException e) {
            throw new CliException("cannot write " + file + ": " + e.getMessage());
        }
    }
}
