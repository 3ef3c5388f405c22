package dev.blockstep.app.cli;

import dev.blockstep.engine.block.BlockStack;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.image.ImageFileException;
import dev.blockstep.engine.image.ImageFiles;
import dev.blockstep.engine.qcow2.Qcow2Create;
import dev.blockstep.engine.qcow2.format.ImageFormatException;
import dev.blockstep.engine.qcow2.format.Qcow2Constants;
import dev.blockstep.engine.qemuio.QemuIoScript;
import dev.blockstep.trace.NodeOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * The image qemu-img resize opens read-write (img_open with BDRV_O_RDWR | BDRV_O_RESIZE): its length as
 * blk_getlength gives it, and blk_truncate to an exact size. A qcow2 image is truncated by the engine's own truncate
 * request, the one qemu-io's {@code truncate} runs; a raw image is its file.
 */
sealed interface ResizeTarget {

    /** Image formats qemu 7.2 opens that resize here does not. */
    List<String> OTHER_FORMATS = List.of("file", "qcow", "qed", "vmdk", "vdi", "vpc", "vhdx", "parallels", "luks",
            "dmg", "bochs", "cloop", "vvfat", "blkdebug", "null-co", "nbd");

    /** blk_getlength: the virtual size, in whole 512-byte sectors. */
    long length();

    /** blk_truncate(blk, size, true, prealloc): false when it failed, its error printed. */
    boolean truncate(long size, String prealloc, PrintWriter err);

    /**
     * img_open of {@code name} as {@code fmt} (probed when null: qcow2's magic, else raw); null when it does not
     * open, after printing qemu-img's line.
     */
    static ResizeTarget open(String name, String fmt, PrintWriter err) {
        try {
            if (fmt != null && !fmt.equals("raw") && !fmt.equals("qcow2") && !OTHER_FORMATS.contains(fmt)) {
                // bdrv_open looks the driver up before it opens the file
                throw new ImageFormatException("Unknown driver '" + fmt + "'");
            }
            Path path = Path.of(name);
            ImageFiles.requireRegular(path, name);
            ByteBuffer head = start(path, name);
            boolean qcow2Magic = head.limit() >= 8 && head.getInt(0) == Qcow2Constants.QCOW_MAGIC;
            if (fmt == null) {
                // qcow2_probe: a whole header with the magic and version 2 or more
                boolean probed = qcow2Magic && head.limit() >= 104 && head.getInt(4) >= 2;
                fmt = probed ? "qcow2" : "raw";
                if (!probed) {
                    // raw_open's warning for a probed raw image opened read-write
                    err.println("WARNING: Image format was not specified for '" + name + "' and probing guessed raw.");
                    err.println("         Automatically detecting the format is dangerous for raw images, write "
                            + "operations on block 0 will be restricted.");
                    err.println("         Specify the 'raw' format explicitly to remove the restrictions.");
                }
            }
            return switch (fmt) {
                case "raw" -> new Raw(path, Files.size(path));
                case "qcow2" -> {
                    if (!qcow2Magic) {
                        throw new ImageFormatException("Image is not in qcow2 format");
                    }
                    yield Qcow2.open(name, err);
                }
                default -> throw new ImageFormatException("blockstep resize opens only qcow2 and raw images, not '"
                        + fmt + "'");
            };
        } catch (InvalidPathException e) {
            err.println("qemu-img: Could not open '" + name + "': " + e.getReason());
        } catch (IOException e) {
            err.println("qemu-img: Could not open '" + name + "': " + e.getMessage());
        } catch (ImageFileException e) {
            // the file layer's own "Could not open 'X': ..." nests inside qemu-img's
            err.println("qemu-img: Could not open '" + name + "': " + e.getMessage());
        } catch (ImageFormatException | Qcow2Create.CreateException e) {
            err.println("qemu-img: Could not open '" + name + "': " + e.getMessage());
        }
        return null;
    }

    /** The file's first 104 bytes (a qcow2 header's fixed part), or fewer when it is shorter. */
    private static ByteBuffer start(Path path, String name) throws IOException, ImageFileException {
        try (FileChannel c = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(104);
            while (b.hasRemaining() && c.read(b) > 0) {
                // a short read goes on
            }
            return b.flip();
        } catch (AccessDeniedException e) {
            throw new ImageFileException("Could not open '" + name + "': Permission denied");
        }
    }

    /** A raw image: the file itself, whose length blk_getlength rounds up to whole sectors. */
    record Raw(Path path, long fileLength) implements ResizeTarget {
        @Override
        public long length() {
            return (fileLength + 511) / 512 * 512;
        }

        @Override
        public boolean truncate(long size, String prealloc, PrintWriter err) {
            if (prealloc.equals("metadata")) {
                err.println("qemu-img: Unsupported preallocation mode: metadata");
                return false;
            }
            try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw")) {
                f.setLength(size);
            } catch (IOException e) {
                err.println("qemu-img: Failed to resize file: " + e.getMessage());
                return false;
            }
            try {
                if (!prealloc.equals("off")) {
                    DiskAllocation.allocate(path, fileLength);
                }
            } catch (IOException e) {
                err.println("qemu-img: Could not preallocate new data: " + e.getMessage());
                return false;
            }
            return true;
        }
    }

    /** A qcow2 image with its backing chain, opened on a copy that is written back when the truncate has run. */
    record Qcow2(Opened image) implements ResizeTarget {
        static Qcow2 open(String name, PrintWriter err) throws ImageFileException, ImageFormatException,
                Qcow2Create.CreateException {
            Opened img = Opened.openReadWrite(name, err::println);
            return new Qcow2(img);
        }

        /** qcow2_do_open keeps the header's size in whole sectors, rounded down. */
        @Override
        public long length() {
            return image.file().readBe64(24) / 512 * 512;
        }

        @Override
        public boolean truncate(long size, String prealloc, PrintWriter err) {
            String line = "truncate -m " + prealloc + " " + size;
            QemuIoScript.Result run = QemuIoScript.run(image.file(), image.backing(), false,
                    BlockStack.of(null, new NodeOptions(null, null, NodeOptions.Cache.WRITEBACK)), image.name(),
                    List.of(line), i -> "resize", false, FixVariant.NONE, null, new QemuIoScript.Console() {
                        @Override
                        public void out(String text) {
                            // qemu-io's truncate prints nothing on success
                        }

                        @Override
                        public void err(String l) {
                            // error_report prefixes the program's name: the engine's truncate speaks as qemu-io
                            err.println(l.startsWith("qemu-io: ") ? "qemu-img: " + l.substring(9) : l);
                        }
                    });
            try {
                run.file().saveChanges(image.path(), image.original());
                if (prealloc.equals("falloc") || prealloc.equals("full")) {
                    // the new clusters lie past the old end of the file, which qemu allocates on disk
                    DiskAllocation.allocate(image.path(), image.original().length());
                }
            } catch (IOException e) {
                err.println("qemu-img: " + image.name() + ": writing the image back failed: " + e.getMessage());
                return false;
            }
            return !run.failed() && !run.stuck();
        }
    }
}
