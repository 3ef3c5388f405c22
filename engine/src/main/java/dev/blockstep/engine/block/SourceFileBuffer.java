package dev.blockstep.engine.block;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * qemu_io_alloc_from_file: the buffer of {@code write -s FILE}, read when the command runs. A file shorter than the
 * buffer is repeated to fill it; a missing, unreadable or empty file (or a zero-length buffer, which reads nothing)
 * fails the command with perror's line on stderr before any request is made.
 */
final class SourceFileBuffer {
    /** The buffer, or the stderr line that says why there is none. */
    record Loaded(byte[] data, String error) {
    }

    private SourceFileBuffer() {
    }

    static Loaded load(String name, int length) {
        Path path;
        try {
            path = Path.of(name);
        } catch (InvalidPathException e) {
            return failed(name, "No such file or directory");
        }
        byte[] buf = new byte[length];
        int read;
        try (InputStream in = Files.newInputStream(path)) {
            if (length > 0 && Files.isDirectory(path)) {
                // fopen("r") opens a directory; an fread of at least one byte then fails
                return failed(name, "Is a directory");
            }
            read = in.readNBytes(buf, 0, length);
        } catch (NoSuchFileException e) {
            return failed(name, "No such file or directory");
        } catch (AccessDeniedException e) {
            return failed(name, "Permission denied");
        } catch (FileSystemException e) {
            return failed(name, e.getReason() == null ? "Input/output error" : e.getReason());
        } catch (IOException e) {
            return failed(name, "Input/output error");
        }
        if (read == 0) {
            return new Loaded(null, name + ": file is empty");
        }
        for (int at = read; at < length; at += read) {
            System.arraycopy(buf, 0, buf, at, Math.min(read, length - at));
        }
        return new Loaded(buf, null);
    }

    private static Loaded failed(String name, String strerror) {
        return new Loaded(null, name + ": " + strerror);
    }
}
