package dev.blockstep.app.cli;

import dev.blockstep.engine.event.EngineEventSink;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.image.ImageFileException;
import dev.blockstep.engine.image.ImageFiles;
import dev.blockstep.engine.qcow2.BackingChain;
import dev.blockstep.engine.qcow2.BackingImage;
import dev.blockstep.engine.qcow2.Qcow2Driver;
import dev.blockstep.engine.qcow2.format.ImageFormatException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/** Opening convert's images read-only as img_open does: the format given with -f, or probed (qcow2's magic, else raw). */
final class ConvertSources {
    /** Formats qemu 7.2 opens that blockstep does not. */
    static final List<String> OTHER_QEMU_FORMATS = List.of("file", "qcow", "qed", "vmdk", "vdi", "vpc", "vhdx",
            "parallels", "luks", "dmg", "bochs", "cloop", "vvfat", "blkdebug", "null-co", "nbd", "host_device",
            "host_cdrom", "throttle", "copy-on-read", "compress", "blklogwrites", "preallocate", "quorum",
            "replication", "snapshot-access", "null-aio", "ssh", "gluster", "iscsi", "rbd", "nfs", "http", "https",
            "ftp", "ftps", "blkverify", "raw", "qcow2");

    private ConvertSources() {
    }

    /** An image that opened, or the reason it did not (after "Could not open 'NAME': "). */
    record Opened(BackingImage image, HostFile file, String error) {
    }

    static Opened open(String name, String format) {
        Path path;
        HostFile file;
        try {
            path = Path.of(name);
            file = ImageFiles.load(path, name);
        } catch (InvalidPathException e) {
            return new Opened(null, null, "Could not open '" + name + "': " + e.getReason());
        } catch (ImageFileException e) {
            return new Opened(null, null, e.getMessage());
        }
        String fmt = format == null ? probe(file) : format;
        if (fmt.equals("raw")) {
            return new Opened(new BackingImage.Raw(file), file, null);
        }
        if (!fmt.equals("qcow2")) {
            return new Opened(null, null, OTHER_QEMU_FORMATS.contains(fmt)
                    ? "blockstep opens only qcow2 and raw images, not '" + fmt + "'"
                    : "Unknown driver '" + fmt + "'");
        }
        if (!probe(file).equals("qcow2")) {
            return new Opened(null, null, "Image is not in qcow2 format");
        }
        try {
            Qcow2Driver d = Qcow2Driver.open(file.copy(), name, EngineEventSink.NONE, BackingChain.of(path));
            return new Opened(new BackingImage.Qcow2(d), file, null);
        } catch (ImageFormatException e) {
            return new Opened(null, null, e.getMessage());
        }
    }

    static String probe(HostFile file) {
        return BackingChain.probe(file);
    }
}
