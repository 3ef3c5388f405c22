package dev.blockstep.engine.qcow2;

import dev.blockstep.engine.event.EngineEventSink;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.format.BackingFile;
import dev.blockstep.engine.qcow2.format.ImageFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens a qcow2 image's backing chain from disk as qemu does: each backing file name is resolved relative to
 * the directory of the image that names it (an absolute name stays as it is), every backing image is opened
 * read-only from a private copy, so the user's files never change, and a missing file, a format blockstep
 * does not model or a loop is refused with one line naming the image and the link.
 */
public final class BackingChain implements BackingOpener {
    /** A bound on chain depth, so a chain that never ends is refused rather than followed. */
    private static final int MAX_DEPTH = 64;

    private final Path image;
    private final List<Path> seen;

    private BackingChain(Path image, List<Path> seen) {
        this.image = image;
        this.seen = seen;
    }

    /** The opener for the backing file of the image at {@code image}. */
    public static BackingChain of(Path image) {
        List<Path> seen = new ArrayList<>();
        seen.add(real(image));
        return new BackingChain(image, seen);
    }

    /** Where qemu looks for {@code link}, named by the image at {@code image}. */
    public static Path resolve(Path image, BackingFile link) {
        return link.resolveFrom(image);
    }

    @Override
    public BackingImage open(BackingFile link) throws ImageFormatException {
        return openAt(resolve(image, link), link.format(), image + ": backing file " + link.name() + ": ");
    }

    /**
     * Opens the image at {@code path} with its chain, for reading only (nothing is ever saved back), as
     * {@code create -b} does to learn the backing image's size.
     */
    public static BackingImage openReadOnly(Path path, String format) throws ImageFormatException {
        return new BackingChain(path, new ArrayList<>()).openAt(path, format, "");
    }

    /** @param at what the error lines start with: the image and link, or nothing for a create's check */
    private BackingImage openAt(Path path, String linkFormat, String at) throws ImageFormatException {
        if (!Files.isRegularFile(path)) {
            throw new ImageFormatException(at + "Could not open '" + path + "': No such file or directory");
        }
        Path real = real(path);
        if (seen.contains(real)) {
            throw new ImageFormatException(at + "the backing chain loops back to " + path);
        }
        if (seen.size() >= MAX_DEPTH) {
            throw new ImageFormatException(at + "the backing chain is deeper than " + MAX_DEPTH + " images");
        }
        HostFile file;
        try {
            file = HostFile.load(path);
        } catch (IOException e) {
            throw new ImageFormatException(at + "Could not open '" + path + "': " + e.getMessage());
        }
        String format = linkFormat.isEmpty() ? probe(file) : linkFormat;
        return switch (format) {
            case "raw" -> new BackingImage.Raw(file);
            case "qcow2" -> {
                if (!isQcow2(file)) {
                    throw new ImageFormatException(at + "Image is not in qcow2 format");
                }
                List<Path> below = new ArrayList<>(seen);
                below.add(real);
                Qcow2Driver d = new Qcow2Driver(Qcow2Open.open(file, path.toString(), EngineEventSink.NONE, true,
                        new BackingChain(path, below)));
                yield new BackingImage.Qcow2(d);
            }
            default -> throw new ImageFormatException(at + "expected backing format qcow2 or raw, got '" + format
                    + "' (not supported by blockstep)");
        };
    }

    /** qemu's format probe as blockstep has it: qcow2 by its magic, anything else raw. */
    public static String probe(HostFile file) {
        return isQcow2(file) ? "qcow2" : "raw";
    }

    private static boolean isQcow2(HostFile file) {
        return file.length() >= 4 && ByteBuffer.wrap(file.read(0, 4)).getInt() == 0x514649fb;
    }

    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }
}
