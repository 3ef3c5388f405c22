package dev.blockstep.engine.check;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The summary qemu-img check prints on stdout, in its human and JSON forms. */
public final class CheckReport {

    /** qemu-img's --output choices. */
    public enum Format { HUMAN, JSON }

    private CheckReport() {
    }

    public static String format(CheckResult r, String filename, Format format) {
        return format == Format.JSON ? json(r, filename) : human(r);
    }

    /** dump_human_image_check. */
    public static String human(CheckResult r) {
        StringBuilder s = new StringBuilder();
        if (r.clean()) {
            s.append("No errors were found on the image.\n");
        } else {
            if (r.corruptions() != 0) {
                s.append('\n').append(r.corruptions()).append(" errors were found on the image.\n")
                        .append("Data may be corrupted, or further writes to the image may corrupt it.\n");
            }
            if (r.leaks() != 0) {
                s.append('\n').append(r.leaks()).append(" leaked clusters were found on the image.\n")
                        .append("This means waste of disk space, but no harm to data.\n");
            }
            if (r.checkErrors() != 0) {
                s.append('\n').append(r.checkErrors()).append(" internal errors have occurred during the check.\n");
            }
        }
        if (r.totalClusters() != 0 && r.allocatedClusters() != 0) {
            s.append(r.allocatedClusters()).append('/').append(r.totalClusters()).append(" = ")
                    .append(percent(r.allocatedClusters(), r.totalClusters())).append("% allocated, ")
                    .append(percent(r.fragmentedClusters(), r.allocatedClusters())).append("% fragmented, ")
                    .append(percent(r.compressedClusters(), r.allocatedClusters())).append("% compressed clusters\n");
        }
        if (r.imageEndOffset() != 0) {
            s.append("Image end offset: ").append(r.imageEndOffset()).append('\n');
        }
        return s.toString();
    }

    /**
     * printf("%0.2f", a * 100.0 / b): the double is rounded from its exact binary value, ties to even, as
     * glibc does (Java's Formatter rounds half up and would differ on exact ties).
     */
    static String percent(long part, long whole) {
        double v = part * 100.0 / whole;
        return new BigDecimal(v).setScale(2, RoundingMode.HALF_EVEN).toPlainString();
    }

    /** dump_json_image_check: the ImageCheck QAPI object, optional members only when non-zero. */
    public static String json(CheckResult r, String filename) {
        Map<String, String> members = new LinkedHashMap<>();
        members.put("filename", quote(filename));
        members.put("format", quote("qcow2"));
        members.put("check-errors", Long.toString(r.checkErrors()));
        optional(members, "image-end-offset", r.imageEndOffset());
        optional(members, "corruptions", r.corruptions());
        optional(members, "leaks", r.leaks());
        optional(members, "corruptions-fixed", r.corruptionsFixed());
        optional(members, "leaks-fixed", r.leaksFixed());
        optional(members, "total-clusters", r.totalClusters());
        optional(members, "allocated-clusters", r.allocatedClusters());
        optional(members, "fragmented-clusters", r.fragmentedClusters());
        optional(members, "compressed-clusters", r.compressedClusters());
        List<String> lines = new ArrayList<>();
        for (String key : QDictOrder.iterationOrder(new ArrayList<>(members.keySet()))) {
            lines.add("    " + quote(key) + ": " + members.get(key));
        }
        return "{\n" + String.join(",\n", lines) + "\n}\n";
    }

    private static void optional(Map<String, String> members, String key, long value) {
        if (value != 0) {
            members.put(key, Long.toString(value));
        }
    }

    /** A JSON string as qemu's JSON writer escapes it: only printable ASCII goes out unescaped. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        s.codePoints().forEach(cp -> {
            switch (cp) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (cp > 0xFFFF) {
                        b.append(String.format("\\u%04X\\u%04X", 0xD800 + ((cp - 0x10000) >> 10),
                                0xDC00 + ((cp - 0x10000) & 0x3FF)));
                    } else if (cp < 0x20 || cp >= 0x7F) {
                        b.append(String.format("\\u%04X", cp));
                    } else {
                        b.appendCodePoint(cp);
                    }
                }
            }
        });
        return b.append('"').toString();
    }
}
