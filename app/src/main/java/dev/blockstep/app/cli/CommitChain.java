package dev.blockstep.app.cli;

import dev.blockstep.engine.block.BlockJob;
import dev.blockstep.engine.block.BlockJobSpec;
import dev.blockstep.engine.block.BlockStack;
import dev.blockstep.engine.block.CommandSource;
import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.image.ImageFileException;
import dev.blockstep.engine.image.ImageFiles;
import dev.blockstep.engine.qcow2.BackingImage;
import dev.blockstep.engine.qcow2.Qcow2Create;
import dev.blockstep.engine.qcow2.Qcow2MakeEmpty;
import dev.blockstep.engine.qcow2.format.BackingFile;
import dev.blockstep.engine.qcow2.format.Header;
import dev.blockstep.engine.qcow2.format.ImageFormatException;
import dev.blockstep.engine.qcow2.format.Qcow2Constants;
import dev.blockstep.engine.session.Engine;
import dev.blockstep.engine.session.Workload;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * The chain qemu-img commit works on: the top image it opens read-write (img_open) and the base it commits into
 * (the immediate backing file, or the one {@code -b} names, found as bdrv_find_backing_image finds it).
 *
 * @param top      the top image as opened (its backing chain read-only)
 * @param basePath where the base lives
 */
record CommitChain(Opened top, Path basePath) {

    /** img_open and the base's lookup; null after printing qemu-img's line when either fails. */
    static CommitChain open(String name, String fmt, String base, PrintWriter err) {
        Opened top;
        try {
            if (fmt != null && !fmt.equals("qcow2")) {
                throw new ImageFormatException(ResizeTarget.OTHER_FORMATS.contains(fmt) || fmt.equals("raw")
                        ? "blockstep commit opens only qcow2 images, not '" + fmt + "'"
                        : "Unknown driver '" + fmt + "'");
            }
            top = Opened.openReadWrite(name, err::println);
        } catch (InvalidPathException e) {
            err.println("qemu-img: Could not open '" + name + "': " + e.getReason());
            return null;
        } catch (ImageFileException | ImageFormatException | Qcow2Create.CreateException e) {
            err.println("qemu-img: Could not open '" + name + "': " + e.getMessage());
            return null;
        }
        BackingFile link = backingLink(top);
        if (link == null) {
            err.println(base != null ? "qemu-img: Did not find '" + base + "' in the backing chain of '" + name + "'"
                    : "qemu-img: Image does not have a backing file");
            return null;
        }
        Path basePath = link.resolveFrom(top.path());
        if (base != null && !names(base, link, top.path(), basePath)) {
            err.println(deeper(base, link, basePath)
                    ? "qemu-img: blockstep commit commits only into the immediate backing file, not '" + base + "'"
                    : "qemu-img: Did not find '" + base + "' in the backing chain of '" + name + "'");
            return null;
        }
        if (!(top.backing() instanceof BackingImage.Qcow2 b)) {
            err.println("qemu-img: blockstep commit commits only into a qcow2 base, not a raw " + basePath);
            return null;
        }
        if (b.size() < top.backing().size() || b.size() < topSize(top)) {
            err.println("qemu-img: blockstep commit does not grow a base smaller than the top image (" + basePath
                    + ")");
            return null;
        }
        return new CommitChain(top, basePath);
    }

    /**
     * commit_active_start and run_block_job: the job writes the base, which is written back; then, unless
     * {@code drop}, qcow2_make_empty empties the top. False after printing the error.
     */
    boolean commit(boolean drop, PrintWriter err) {
        Engine e;
        try {
            e = new Engine(new Workload(top.file(), top.name(), CommandSource.of(List.of()), FixVariant.NONE,
                    Policies::fifo, BlockStack.QEMU_IO, top.backing(), new BlockJobSpec.ActiveCommit()));
            e.runToEnd();
        } catch (RuntimeException ex) {
            err.println("qemu-img: blockstep commit: the engine failed: " + ex.getMessage());
            return false;
        }
        List<BlockJob.WrittenImage> written = e.jobImages();
        if (!e.finished() || written.size() != 1) {
            err.println("qemu-img: blockstep commit: the commit job did not complete");
            return false;
        }
        try {
            HostFile baseOriginal = ImageFiles.load(basePath, basePath.toString());
            written.get(0).driver().file().saveChanges(basePath, baseOriginal);
            if (!drop) {
                HostFile emptied = top.file().copy();
                Qcow2MakeEmpty.run(emptied, top.name());
                emptied.saveChanges(top.path(), top.original());
            }
        } catch (IOException | ImageFileException | ImageFormatException ex) {
            err.println("qemu-img: " + ex.getMessage());
            return false;
        }
        return true;
    }

    private static BackingFile backingLink(Opened top) {
        return link(top.file(), top.name());
    }

    /** The backing file a qcow2 image's header names, or null. */
    private static BackingFile link(HostFile file, String name) {
        try {
            Header h = Header.decode(file.read(0, 112));
            return BackingFile.read(file.read(0, (int) Math.min(file.length(), h.clusterSize())), h, name);
        } catch (ImageFormatException | RuntimeException e) {
            return null;
        }
    }

    private static long topSize(Opened top) {
        return top.file().readBe64(24);
    }

    /** bdrv_find_backing_image's tests: the name as the header stores it, or the same file by real path. */
    private static boolean names(String base, BackingFile link, Path topPath, Path basePath) {
        if (base.equals(link.name())) {
            return true;
        }
        Path wanted = Path.of(base).isAbsolute() ? Path.of(base) : resolve(topPath, base);
        return CliFiles.real(wanted).equals(CliFiles.real(basePath));
    }

    /** Whether {@code base} names an image further down the chain, which the engine's commit does not reach. */
    private static boolean deeper(String base, BackingFile link, Path basePath) {
        try {
            HostFile f = ImageFiles.load(basePath, basePath.toString());
            if (f.length() < 8 || f.readBe64(0) >>> 32 != Qcow2Constants.QCOW_MAGIC) {
                return false;
            }
            BackingFile next = link(f, basePath.toString());
            return next != null && (names(base, next, basePath, next.resolveFrom(basePath))
                    || deeper(base, next, next.resolveFrom(basePath)));
        } catch (ImageFileException e) {
            return false;
        }
    }

    private static Path resolve(Path image, String name) {
        Path dir = image.toAbsolutePath().getParent();
        return dir == null ? Path.of(name) : dir.resolve(name);
    }
}
