package dev.blockstep.engine.image;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Opens image files as qemu's 'file' driver does: regular files only, so a FIFO or a device is refused at once
 * instead of blocking or reading forever; and base images of traces only inside the trace's directory, judged
 * on real paths so a symlink cannot lead out.
 */
public final class ImageFiles {

    private ImageFiles() {
    }

    /**
     * Loads an image file.
     *
     * @param shown the name to use in messages, as the user wrote it
     * @throws ImageFileException with qemu's wording ("Could not open 'X': No such file or directory", "'file'
     *         driver requires 'X' to be a regular file")
     */
    public static HostFile load(Path path, String shown) throws ImageFileException {
        requireRegular(path, shown);
        try {
            return HostFile.load(path);
        } catch (NoSuchFileException e) {
            throw new ImageFileException("Could not open '" + shown + "': No such file or directory");
        } catch (AccessDeniedException e) {
            throw new ImageFileException("Could not open '" + shown + "': Permission denied");
        } catch (IOException e) {
            throw new ImageFileException("Could not open '" + shown + "': " + e.getMessage());
        } catch (OutOfMemoryError e) {
            throw new ImageFileException("Could not open '" + shown + "': its data does not fit in the JVM heap");
        }
    }

    /** Refuses anything but an existing regular file (after symlinks), without opening it. */
    public static void requireRegular(Path path, String shown) throws ImageFileException {
        if (!Files.exists(path)) {
            throw new ImageFileException("Could not open '" + shown + "': No such file or directory");
        }
        if (Files.isDirectory(path)) {
            throw new ImageFileException("Could not open '" + shown + "': Is a directory");
        }
        if (!Files.isRegularFile(path)) {
            throw new ImageFileException("'file' driver requires '" + shown + "' to be a regular file");
        }
    }

    /**
     * The base image {@code relative} of a trace in {@code traceDir}, loaded only when its real path (symlinks
     * resolved) lies inside the real path of the trace's directory.
     */
    public static HostFile loadBase(Path traceDir, String relative) throws ImageFileException {
        Path p = traceDir.resolve(relative);
        requireRegular(p, p.toString());
        try {
            Path realDir = traceDir.toRealPath();
            Path real = p.toRealPath();
            if (!real.startsWith(realDir) || real.equals(realDir)) {
                throw new ImageFileException(p + " resolves to " + real + ", outside the trace's directory "
                        + realDir);
            }
        } catch (IOException e) {
            throw new ImageFileException("Could not open '" + p + "': " + e.getMessage());
        }
        return load(p, p.toString());
    }
}
