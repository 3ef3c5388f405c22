package dev.blockstep.app.cli;

import dev.blockstep.trace.Trace;
import dev.blockstep.trace.io.TraceWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * File access for the commands, with one-line errors: text inputs are regular UTF-8 files, and an output is
 * never one of the command's inputs and always lands in a directory that exists.
 */
final class CliFiles {

    /** Text inputs larger than this are refused rather than read into memory. */
    private static final long MAX_TEXT = 256L << 20;

    private CliFiles() {
    }

    static Path path(String arg, String what) throws CliException {
        try {
            return Path.of(arg);
        } catch (InvalidPathException e) {
            throw new CliException(arg + ": " + what + " is not a valid path: " + e.getReason());
        }
    }

    /** A regular file (after symlinks); a FIFO or device is refused before it is opened. */
    static void requireRegular(Path file) throws CliException {
        if (!Files.exists(file)) {
            throw new CliException(file + ": no such file");
        }
        if (Files.isDirectory(file)) {
            throw new CliException(file + ": expected a file, got a directory");
        }
        if (!Files.isRegularFile(file)) {
            throw new CliException(file + ": expected a regular file, got a FIFO, socket or device");
        }
    }

    static String read(Path file) throws CliException {
        requireRegular(file);
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_TEXT) {
                throw new CliException(file + ": expected a text file of at most " + (MAX_TEXT >> 20) + " MiB");
            }
            bytes = Files.readAllBytes(file);
        } catch (AccessDeniedException e) {
            throw new CliException(file + ": permission denied");
        } catch (IOException e) {
            throw new CliException("cannot read " + file + ": " + e.getMessage());
        }
        return utf8(bytes, file);
    }

    private static String utf8(byte[] bytes, Path file) throws CliException {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult r = d.decode(in, out, true);
        if (r.isError()) {
            int at = in.position();
            int line = 1;
            int col = 1;
            for (int i = 0; i < at; i++) {
                col = bytes[i] == '\n' ? 1 : col + 1;
                line += bytes[i] == '\n' ? 1 : 0;
            }
            throw new CliException(String.format("%s:%d:%d: expected UTF-8 text, got byte 0x%02x", file, line, col,
                    bytes[at] & 0xff));
        }
        d.flush(out);
        return out.flip().toString();
    }

    static void write(Trace trace, Path file) throws CliException {
        requireWritable(file);
        try {
            TraceWriter.write(trace, file);
        } catch (IOException e) {
            throw new CliException("cannot write " + file + ": " + e.getMessage());
        }
    }

    /** The output's directory must exist and the output, if it exists, must be a regular file. */
    static void requireWritable(Path out) throws CliException {
        Path dir = out.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new CliException("cannot write " + out + ": no such directory " + dir);
        }
        if (Files.isDirectory(out)) {
            throw new CliException("cannot write " + out + ": it is a directory");
        }
        if (Files.exists(out) && !Files.isRegularFile(out)) {
            throw new CliException("cannot write " + out + ": expected a regular file, got a FIFO, socket or device");
        }
    }

    /**
     * Refuses an output that is, or resolves to (through symlinks or another spelling), one of the inputs:
     * writing it would destroy the input.
     *
     * @param option how the command line named the output, e.g. "-o"
     */
    static void refuseOverwrite(Path out, String option, Path... inputs) throws CliException {
        Path o = real(out);
        for (Path in : inputs) {
            if (in != null && real(in).equals(o)) {
                throw new CliException(out + ": " + option + " names the input " + in
                        + "; writing it would destroy the input");
            }
        }
    }

    /** The real path of a file, or of its directory plus its name when it does not exist yet. */
    static Path real(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        try {
            return abs.toRealPath();
        } catch (IOException e) {
            Path dir = abs.getParent();
            try {
                return dir == null ? abs : dir.toRealPath().resolve(abs.getFileName());
            } catch (IOException e2) {
                return abs;
            }
        }
    }
}
