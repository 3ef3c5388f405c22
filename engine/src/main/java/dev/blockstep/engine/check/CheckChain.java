package dev.blockstep.engine.check;

import dev.blockstep.engine.qcow2.format.BackingFile;
import dev.blockstep.engine.qcow2.format.Header;
import dev.blockstep.engine.qcow2.format.ImageFormatException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * qemu-img check opens an image with its whole backing chain, read-only, before it checks the image, and then
 * checks the top image only (verified with qemu-img 7.2: a base whose refcount table offset is zeroed leaves
 * its overlay's check clean, and a missing base fails the command). So here each backing image is opened as
 * qemu opens it ({@link Qcow2Open}, whose refusals are qemu's), never checked, and never written.
 */
final class CheckChain {
    /** A bound on chain depth, so a chain that loops is refused rather than followed. */
    private static final int MAX_DEPTH = 64;

    private CheckChain() {
    }

    /**
     * Opens the backing chain below {@code image}, read from {@code path}; a backing file that does not open
     * fails as qemu-img fails: "Could not open 'TOP': Could not open backing file: Could not open 'BASE': ...".
     */
    static void open(Path path, String name, OpenImage image, ImageBytes bytes) throws CheckException {
        open(path, name, image, bytes, 0);
    }

    private static void open(Path path, String name, OpenImage image, ImageBytes bytes, int depth)
            throws CheckException {
        BackingFile link = link(name, image.header(), bytes);
        if (link == null) {
            return;
        }
        try {
            if (depth >= MAX_DEPTH) {
                throw CheckException.openFailed(link.name(), "the backing chain is deeper than " + MAX_DEPTH
                        + " images (blockstep's bound)");
            }
            Path next;
            try {
                next = link.resolveFrom(path);
            } catch (InvalidPathException e) {
                throw CheckException.openFailed(link.name(), "No such file or directory");
            }
            openBacking(next, link, depth);
        } catch (CheckException e) {
            throw CheckException.openFailed(name, "Could not open backing file: " + e.getMessage());
        }
    }

    private static void openBacking(Path path, BackingFile link, int depth) throws CheckException {
        String name = path.toString();
        if (Files.isDirectory(path)) {
            throw CheckException.openFailed(name, "Is a directory");
        }
        try (ImageBytes bytes = ImageBytes.open(path)) {
            boolean qcow2 = bytes.length() >= 4 && java.nio.ByteBuffer.wrap(bytes.read(0, 4)).getInt() == 0x514649fb;
            if ("raw".equals(link.format()) || (link.format().isEmpty() && !qcow2)) {
                return;
            }
            open(path, name, Qcow2Open.open(bytes, name, false), bytes, depth + 1);
        } catch (NoSuchFileException e) {
            throw CheckException.openFailed(name, "No such file or directory");
        } catch (AccessDeniedException e) {
            throw CheckException.openFailed(name, "Permission denied");
        } catch (IOException e) {
            throw CheckException.openFailed(name, e.getMessage());
        }
    }

    private static BackingFile link(String name, Header h, ImageBytes bytes) throws CheckException {
        if (h.backingFileOffset() == 0 || h.backingFileSize() == 0) {
            return null;
        }
        byte[] cluster = bytes.read(0, (int) Math.min(bytes.length(), 1L << h.clusterBits()));
        try {
            return BackingFile.read(cluster, h, name);
        } catch (ImageFormatException e) {
            throw CheckException.openFailed(name, e.getMessage());
        }
    }
}
