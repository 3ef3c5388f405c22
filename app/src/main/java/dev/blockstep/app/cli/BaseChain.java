package dev.blockstep.app.cli;

import dev.blockstep.engine.qcow2.format.BackingFile;
import dev.blockstep.engine.qcow2.format.Header;
import dev.blockstep.engine.qcow2.format.ImageFormatException;
import dev.blockstep.trace.BackingLayer;
import dev.blockstep.trace.ImageSetup;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The backing chain a {@code --base} image's header names, as trace layers: each backing file is resolved beside the
 * image that names it, as qemu does, must be a qcow2 file in the trace's directory too, and is recorded with its
 * SHA-256, so a replay builds the same chain and never follows a name out of the directory. Only the headers are
 * read.
 */
public final class BaseChain {

    /** Reads a file's name in the trace's directory and its SHA-256; refuses one outside it, in one line. */
    @FunctionalInterface
    public interface Place {
        String[] relativeAndSha(Path file, String what) throws CliException;
    }

    private BaseChain() {
    }

    /** The layer below {@code image}, with every layer below it, or null when its header names no backing file. */
    public static BackingLayer below(Path image, Place place) throws CliException {
        return below(image, place, 0);
    }

    private static BackingLayer below(Path image, Place place, int depth) throws CliException {
        BackingFile link = link(image);
        if (link == null) {
            return null;
        }
        if (depth >= BackingLayer.MAX_DEPTH) {
            throw new CliException(image + ": expected a backing chain of at most " + BackingLayer.MAX_DEPTH
                    + " images below --base, got more");
        }
        if (!link.format().equals("qcow2")) {
            throw new CliException(image + ": backing file " + link.name() + ": expected backing format qcow2 "
                    + "(trace chains hold qcow2 layers), got " + (link.format().isEmpty() ? "none" : link.format()));
        }
        Path dir = image.toAbsolutePath().getParent();
        Path file = dir.resolve(link.name());
        String[] placed = place.relativeAndSha(file, image + "'s backing file " + link.name());
        ImageSetup layer = new ImageSetup.Base(placed[0], placed[1], List.of(), below(file, place, depth + 1));
        return new BackingLayer(link.name(), link.format(), layer);
    }

    /**
     * The backing link {@code image}'s header names, or null. A file that does not start with qcow2's magic has none
     * to follow: the import records it as it is and the replay judges it.
     */
    private static BackingFile link(Path image) throws CliException {
        try (InputStream in = Files.newInputStream(image)) {
            long length = Files.size(image);
            byte[] first = in.readNBytes(4096);
            if (first.length < 4 || first[0] != 'Q' || first[1] != 'F' || first[2] != 'I' || first[3] != (byte) 0xfb) {
                return null;
            }
            Header h = Header.parse(first, length, image.toString());
            byte[] cluster = new byte[(int) Math.min(h.clusterSize(), length)];
            System.arraycopy(first, 0, cluster, 0, Math.min(first.length, cluster.length));
            if (cluster.length > first.length) {
                in.readNBytes(cluster, first.length, cluster.length - first.length);
            }
            return BackingFile.read(cluster, h, image.toString());
        } catch (ImageFormatException e) {
            throw new CliException(e.getMessage());
        } catch (IOException e) {
            throw new CliException("cannot read " + image + ": " + e.getMessage());
        }
    }
}
