package dev.blockstep.app.cli;

import dev.blockstep.engine.qcow2.Qcow2Create;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code qemu-img create -f raw}: a file of the size, every byte zero, with the options raw takes (size,
 * preallocation off, falloc or full, extent_size_hint) and qemu-img's lines. falloc and full give the same bytes as
 * off; they also allocate the file's blocks on disk ({@link DiskAllocation}).
 */
final class RawCreate {
    private RawCreate() {
    }

    static int create(String image, String file, List<String> options, boolean backing, String size, boolean quiet,
                      PrintWriter out, PrintWriter err) {
        String prealloc = null;
        String hint = null;
        String sizeOption = null;
        try {
            for (CreateOption o : CreateOption.of(options)) {
                switch (o.key()) {
                    case "preallocation" -> prealloc = o.value();
                    case "extent_size_hint" -> hint = Long.toString(CreateCommand.number(o.key(), o.value(), true));
                    case "size" -> sizeOption = Long.toString(CreateCommand.number(o.key(), o.value(), true));
                    default -> throw new Qcow2Create.CreateException("Invalid parameter '" + o.key() + "'");
                }
            }
            if (sizeOption != null && size != null) {
                throw new Qcow2Create.CreateException("The image size must be specified only once");
            }
            if (backing) {
                throw new Qcow2Create.CreateException("Backing file not supported for file format 'raw'");
            }
        } catch (Qcow2Create.CreateException e) {
            return fail(image, e.getMessage(), err);
        }
        size = size != null ? size : sizeOption;
        if (size == null) {
            return fail(image, "Image creation needs a size parameter", err);
        }
        long bytes;
        try {
            bytes = dev.blockstep.trace.qemuio.Cvtnum.parse(size);
        } catch (dev.blockstep.trace.qemuio.Cvtnum.NumberException e) {
            err.println("qemu-img: Invalid image size specified. You may use k, M, G, T, P or E suffixes for");
            err.println("qemu-img: kilobytes, megabytes, gigabytes, terabytes, petabytes and exabytes.");
            err.flush();
            return 1;
        }
        if (!quiet) {
            out.println("Formatting '" + image + "', fmt=raw size=" + bytes
                    + (prealloc == null ? "" : " preallocation=" + prealloc)
                    + (hint == null ? "" : " extent_size_hint=" + hint));
            out.flush();
        }
        boolean known = prealloc == null || List.of("off", "falloc", "full").contains(prealloc);
        if (!known && !prealloc.equals("metadata")) {
            // raw parses the mode itself, with qemu_opt's wording
            return fail(image, "invalid parameter value: " + prealloc, err);
        }
        try (RandomAccessFile f = new RandomAccessFile(Path.of(file).toFile(), "rw")) {
            // raw_co_create truncates the file first; an unsupported mode fails after that, leaving it empty
            f.setLength(0);
            if (!known) {
                return fail(image, "Unsupported preallocation mode: " + prealloc, err);
            }
            f.setLength(Qcow2Create.storedSize(bytes));
        } catch (IOException | InvalidPathException e) {
            return fail(image, "Could not create '" + file + "': " + e.getMessage(), err);
        }
        try {
            if (prealloc != null && !prealloc.equals("off")) {
                DiskAllocation.allocate(Path.of(file));
            }
            return 0;
        } catch (IOException | InvalidPathException e) {
            return fail(image, "Could not create '" + file + "': " + e.getMessage(), err);
        }
    }

    private static int fail(String image, String message, PrintWriter err) {
        err.println("qemu-img: " + image + ": " + message);
        err.flush();
        return 1;
    }
}
