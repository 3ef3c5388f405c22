package dev.blockstep.trace.qemuio;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * qemu-io 7.2's command table as its {@code help} command prints it: each command's name, other name, argument
 * summary, one-line description and extended help. The texts in {@code qemu-io-help.txt} are qemu-io 7.2's own
 * output (captured from {@code qemu-io -c "help NAME"} for every command), since {@code help} must print them
 * byte for byte; the differential test compares every one of them with the real qemu-io.
 */
public final class QemuIoHelp {
    /** One command: what follows its name on the summary line (" ARGS -- ONELINE"), then its extended help. */
    private record Entry(String name, String altname, String summaryTail, List<String> body) {
    }

    private static final Map<String, Entry> BY_NAME = load();

    private QemuIoHelp() {
    }

    /** Whether qemu-io 7.2 has a command called {@code word} (by its name or its other name). */
    public static boolean knows(String word) {
        return find(word).isPresent();
    }

    /** help_all: every command's summary line, sorted by name, then the closing hint. */
    public static List<String> all() {
        List<String> out = new ArrayList<>();
        for (Entry e : BY_NAME.values()) {
            out.add(e.name() + e.summaryTail());
        }
        out.add("");
        out.add("Use 'help commandname' for extended help.");
        return out;
    }

    /** help_onecmd: the summary line under the name asked for, then the extended help; empty if unknown. */
    public static Optional<List<String>> one(String word) {
        return find(word).map(e -> {
            List<String> out = new ArrayList<>();
            out.add(word + e.summaryTail());
            out.addAll(e.body());
            return out;
        });
    }

    private static Optional<Entry> find(String word) {
        Entry e = BY_NAME.get(word);
        if (e != null) {
            return Optional.of(e);
        }
        return BY_NAME.values().stream().filter(x -> x.altname().equals(word)).findFirst();
    }

    private static Map<String, Entry> load() {
        String text;
        try (InputStream in = QemuIoHelp.class.getResourceAsStream("qemu-io-help.txt")) {
            if (in == null) {
                throw new IllegalStateException("qemu-io-help.txt is missing from the jar");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Entry> out = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; ) {
            if (!lines[i].startsWith("@@ ")) {
                i++;
                continue;
            }
            String[] head = lines[i].substring(3).split(" ");
            String tail = lines[i + 1];
            List<String> body = new ArrayList<>();
            for (i += 2; i < lines.length && !lines[i].startsWith("@@ "); i++) {
                body.add(lines[i]);
            }
            // the file ends with a newline, which split leaves as an empty last element
            if (i == lines.length && !body.isEmpty() && body.get(body.size() - 1).isEmpty()) {
                body.remove(body.size() - 1);
            }
            out.put(head[0], new Entry(head[0], head[1].equals("-") ? "" : head[1], tail, List.copyOf(body)));
        }
        return out;
    }
}
