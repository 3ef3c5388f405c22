package dev.blockstep.trace.qemuio;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code key=value,...} string as qemu's QemuOpts reads one for {@code open -o}, {@code reopen -o} and
 * {@code --image-opts}: ",," is a comma inside a value, a later value of a key replaces an earlier one, and a key
 * without '=' is the deprecated short form of a boolean ({@code key} is on, {@code nokey} off), which qemu accepts
 * with a warning.
 *
 * @param values   the options in the order first given
 * @param warnings the lines qemu prints on stderr while parsing (two per short-form boolean)
 */
public record QemuOpts(Map<String, String> values, List<String> warnings) {

    public QemuOpts {
        values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
        warnings = List.copyOf(warnings);
    }

    /** {@code text} parsed; a further string given with another -o is {@link #merge}d into it. */
    public static QemuOpts parse(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        for (String part : split(text)) {
            int eq = part.indexOf('=');
            if (eq >= 0) {
                values.put(part.substring(0, eq), part.substring(eq + 1));
                continue;
            }
            boolean off = part.startsWith("no");
            String key = off ? part.substring(2) : part;
            warnings.add("qemu-io: warning: short-form boolean option '" + part + "' deprecated");
            warnings.add("Please use " + key + "=" + (off ? "off" : "on") + " instead");
            values.put(key, off ? "off" : "on");
        }
        return new QemuOpts(values, warnings);
    }

    /** The options of two -o given to one command (merge_lists): the later string's values win. */
    public QemuOpts merge(QemuOpts later) {
        Map<String, String> v = new LinkedHashMap<>(values);
        v.putAll(later.values);
        List<String> w = new ArrayList<>(warnings);
        w.addAll(later.warnings);
        return new QemuOpts(v, w);
    }

    /** Splitting at commas, where ",," stands for a comma inside a value; an empty last part is dropped. */
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
