package dev.blockstep.app.cli;

import dev.blockstep.engine.convert.ConvertTarget;
import dev.blockstep.engine.convert.Qcow2ConvertTarget;
import dev.blockstep.engine.convert.RawConvertTarget;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.image.ImageFileException;
import dev.blockstep.engine.image.ImageFiles;
import dev.blockstep.engine.qcow2.BackingChain;
import dev.blockstep.engine.qcow2.BackingOpener;
import dev.blockstep.engine.qcow2.format.ImageFormatException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** convert's target: created by {@code blockstep create}'s code, then opened for the copy as img_convert opens it. */
final class ConvertTargets {
    /** The creation options qemu 7.2's qcow2 and file drivers take: any other key is an invalid parameter. */
    static final List<String> QCOW2_OPTIONS = List.of("size", "compat", "backing_file", "backing_fmt", "encryption",
            "encrypt.format", "encrypt.key-secret", "encrypt.cipher-alg", "encrypt.cipher-mode", "encrypt.ivgen-alg",
            "encrypt.ivgen-hash-alg", "encrypt.hash-alg", "encrypt.iter-time", "cluster_size", "preallocation",
            "lazy_refcounts", "refcount_bits", "compression_type", "data_file", "data_file_raw", "extended_l2",
            "nocow", "extent_size_hint");
    static final List<String> RAW_OPTIONS = List.of("size", "preallocation", "nocow", "extent_size_hint");

    private ConvertTargets() {
    }

    /**
     * bdrv_create of the target with the -o options, the backing file (not opened: qemu's create does not) and the
     * sources' size; null when created, else qemu-img's message without its "qemu-img: TARGET: " start.
     */
    static String create(String format, String target, List<String> options, String backing, String backingFormat,
                         long bytes) {
        List<String> args = new ArrayList<>(List.of("-q", "-u", "-f", format));
        for (String o : options) {
            args.add("-o");
            args.add(o);
        }
        // img_convert sets the size after parsing -o, so it wins over a size given there
        args.addAll(List.of("-o", "size=" + bytes));
        if (backing != null) {
            args.addAll(List.of("-b", backing));
        }
        if (backingFormat != null) {
            args.addAll(List.of("-F", backingFormat));
        }
        args.add(target);
        StringWriter errText = new StringWriter();
        CommandLine cl = new CommandLine(new CreateCommand());
        cl.setOut(new PrintWriter(new StringWriter()));
        cl.setErr(new PrintWriter(errText));
        if (cl.execute(args.toArray(String[]::new)) == 0) {
            return null;
        }
        String text = errText.toString().stripTrailing();
        String prefix = "qemu-img: " + target + ": ";
        return text.startsWith(prefix) ? text.substring(prefix.length())
                : text.startsWith("qemu-img: ") ? text.substring("qemu-img: ".length()) : text;
    }

    /**
     * The opened target, or the reason it did not open (after "Could not open 'TARGET': ").
     *
     * @param sectors     its size in sectors
     * @param backingSize its backing file's size in bytes, or -1 without one
     */
    record Opened(ConvertTarget target, long clusterSectors, long sectors, long backingSize, Saver saver,
                  String error) {
        static Opened failed(String error) {
            return new Opened(null, 0, 0, -1, null, error);
        }

        void save() throws IOException {
            saver.save();
        }
    }

    interface Saver {
        void save() throws IOException;
    }

    static Opened open(String name, String format, ConvertArgs a) {
        Path path;
        HostFile original;
        try {
            path = Path.of(name);
            original = ImageFiles.load(path, name);
        } catch (InvalidPathException e) {
            return Opened.failed("Could not open '" + name + "': " + e.getReason());
        } catch (ImageFileException e) {
            return Opened.failed(e.getMessage());
        }
        HostFile file = original.copy();
        if (format.equals("raw")) {
            RawConvertTarget raw = new RawConvertTarget(file);
            return new Opened(raw, 0, (file.length() + 511) / 512, -1,
                    () -> raw.file().saveChanges(path, original), null);
        }
        if (!format.equals("qcow2")) {
            return Opened.failed(ConvertSources.OTHER_QEMU_FORMATS.contains(format)
                    ? "blockstep opens only qcow2 and raw images, not '" + format + "'"
                    : "Unknown driver '" + format + "'");
        }
        if (!ConvertSources.probe(file).equals("qcow2")) {
            return Opened.failed("Image is not in qcow2 format");
        }
        BackingChain chain = BackingChain.of(path);
        BackingOpener opener = link -> {
            Path at = BackingChain.resolve(path, link);
            if (!Files.exists(at)) {
                throw new ImageFormatException("Could not open backing file: Could not open '"
                        + dev.blockstep.engine.qcow2.ImageMap.combine(name, link.name()) + "': No such file or directory");
            }
            return chain.open(link);
        };
        boolean writethrough = a.cache.equals("writethrough") || a.cache.equals("directsync");
        try {
            Qcow2ConvertTarget q = new Qcow2ConvertTarget(file, name, opener, a.minSparse != 0, writethrough,
                    a.cache.equals("unsafe"));
            long backingSize = q.driver().backingImage() == null ? -1 : q.driver().backingImage().size();
            return new Opened(q, q.driver().clusterSize() / 512, (q.driver().size() + 511) / 512, backingSize,
                    () -> q.close().saveChanges(path, original), null);
        } catch (ImageFormatException e) {
            return Opened.failed(e.getMessage());
        }
    }
}
