package dev.blockstep.app.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * qemu-io's {@code --image-opts} argument for a qcow2 image on the file protocol: {@code driver=qcow2} (or probed),
 * {@code file.filename=PATH}, {@code file.driver=file}. Any other option would change how qemu opens the image,
 * which blockstep does not model, so it is refused with one line.
 */
record ImageOptsArgument(String filename, String error) {

    /** Option names qcow2 takes that blockstep does not model (refused by name rather than as unknown). */
    private static final List<String> QCOW2_OPTIONS = List.of("lazy-refcounts", "pass-discard-request",
            "pass-discard-snapshot", "pass-discard-other", "overlap-check", "cache-size", "l2-cache-size",
            "l2-cache-entry-size", "refcount-cache-size", "cache-clean-interval", "encrypt.key-secret",
            "data-file", "backing", "read-only", "discard", "detect-zeroes", "cache.direct", "cache.no-flush",
            "auto-read-only", "force-share", "node-name");

    static ImageOptsArgument parse(String text) {
        Map<String, String> opts = new LinkedHashMap<>();
        for (String kv : split(text)) {
            int eq = kv.indexOf('=');
            if (eq < 0) {
                return failed("qemu-io: Invalid parameter '" + kv + "'");
            }
            opts.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        String driver = opts.remove("driver");
        if (driver != null && !driver.equals("qcow2")) {
            return failed("qemu-io: can't open: blockstep io opens only qcow2 images, not '" + driver + "'");
        }
        String fileDriver = opts.remove("file.driver");
        if (fileDriver != null && !fileDriver.equals("file")) {
            return failed("qemu-io: can't open: blockstep io opens files only through the file protocol, not '"
                    + fileDriver + "'");
        }
        String filename = opts.remove("file.filename");
        for (String key : opts.keySet()) {
            if (QCOW2_OPTIONS.contains(key) || key.startsWith("file.")) {
                return failed("qemu-io: can't open: blockstep io does not model the option '" + key + "'");
            }
            return failed("qemu-io: can't open: Block format 'qcow2' does not support the option '" + key + "'");
        }
        if (filename == null) {
            return failed("qemu-io: can't open: blockstep io needs file.filename in --image-opts");
        }
        return new ImageOptsArgument(filename, null);
    }

    private static ImageOptsArgument failed(String line) {
        return new ImageOptsArgument(null, line);
    }

    /** QemuOpts' splitting at commas, where ",," stands for a comma inside a value. */
    private static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ',' && i + 1 < text.length() && text.charAt(i + 1) == ',') {
                cur.append(',');
                i++;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (cur.length() > 0) {
            out.add(cur.toString());
        }
        return out;
    }
}
