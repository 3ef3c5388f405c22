package dev.blockstep.app.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.TreeMap;

/**
 * qemu-img create's {@code -o help} (or {@code -o ?}): the format's creation options, and with a file name the file
 * protocol's too (the format's own description wins for an option both have), sorted by name as qemu prints them.
 */
final class CreateHelp {
    private CreateHelp() {
    }

    private record Desc(String name, String type, String help) {
    }

    private static final List<Desc> QCOW2 = List.of(
            new Desc("size", "size", "Virtual disk size"),
            new Desc("compat", "str", "Compatibility level (v2 [0.10] or v3 [1.1])"),
            new Desc("backing_file", "str", "File name of a base image"),
            new Desc("backing_fmt", "str", "Image format of the base image"),
            new Desc("data_file", "str", "File name of an external data file"),
            new Desc("data_file_raw", "bool (on/off)", "The external data file must stay valid as a raw image"),
            new Desc("encryption", "bool (on/off)",
                    "Encrypt the image with format 'aes'. (Deprecated in favor of encrypt.format=aes)"),
            new Desc("encrypt.format", "str", "Encrypt the image, format choices: 'aes', 'luks'"),
            new Desc("encrypt.key-secret", "str", "ID of secret providing qcow AES key or LUKS passphrase"),
            new Desc("encrypt.cipher-alg", "str", "Name of encryption cipher algorithm"),
            new Desc("encrypt.cipher-mode", "str", "Name of encryption cipher mode"),
            new Desc("encrypt.ivgen-alg", "str", "Name of IV generator algorithm"),
            new Desc("encrypt.ivgen-hash-alg", "str", "Name of IV generator hash algorithm"),
            new Desc("encrypt.hash-alg", "str", "Name of encryption hash algorithm"),
            new Desc("encrypt.iter-time", "num", "Time to spend in PBKDF in milliseconds"),
            new Desc("cluster_size", "size", "qcow2 cluster size"),
            new Desc("extended_l2", "bool (on/off)", "Extended L2 tables"),
            new Desc("preallocation", "str", "Preallocation mode (allowed values: off, metadata, falloc, full)"),
            new Desc("lazy_refcounts", "bool (on/off)", "Postpone refcount updates"),
            new Desc("refcount_bits", "num", "Width of a reference count entry in bits"),
            new Desc("compression_type", "str", "Compression method used for image cluster compression"));

    private static final List<Desc> RAW = List.of(new Desc("size", "size", "Virtual disk size"));

    private static final List<Desc> FILE = List.of(
            new Desc("size", "size", "Virtual disk size"),
            new Desc("nocow", "bool (on/off)", "Turn off copy-on-write (valid only on btrfs)"),
            new Desc("preallocation", "str", "Preallocation mode (allowed values: off, falloc, full)"),
            new Desc("extent_size_hint", "size", "Extent size hint for the image file, 0 to disable"));

    /** Whether the accumulated -o lists ask for help: a bare "help" or "?" among them (not a value, not escaped). */
    static boolean wanted(List<CreateOption> options) {
        return options.stream().anyMatch(o -> o.value() == null && (o.key().equals("help") || o.key().equals("?")));
    }

    /** print_block_option_help; {@code file} is null when no image name was given. Returns the exit code. */
    static int print(String format, String file, PrintWriter out, PrintWriter err) {
        List<Desc> own = switch (format) {
            case "qcow2" -> QCOW2;
            case "raw" -> RAW;
            default -> null;
        };
        if (own == null) {
            // qemu 7.2's read-only formats have no creation options; blockstep knows no other format's
            err.println(List.of("bochs", "cloop", "dmg", "vvfat").contains(format)
                    ? "qemu-img: Format driver '" + format + "' does not support image creation"
                    : "qemu-img: Unknown file format '" + format + "'");
            err.flush();
            return 1;
        }
        TreeMap<String, Desc> all = new TreeMap<>();
        own.forEach(d -> all.put(d.name(), d));
        if (file != null) {
            FILE.forEach(d -> all.putIfAbsent(d.name(), d));
        }
        out.println(file != null ? "Supported options:" : "Supported " + format + " options:");
        for (Desc d : all.values()) {
            out.println(String.format("  %-22s - %s", d.name() + "=<" + d.type() + ">", d.help()));
        }
        if (file == null) {
            out.println();
            out.println("The protocol level may support further options.");
            out.println("Specify the target filename to include those options.");
        }
        out.flush();
        return 0;
    }
}
