package dev.blockstep.trace.qemulog;

import dev.blockstep.trace.importer.ImportException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses lines of a qemu 7.2 {@code -T} log for the qcow2_*, qemu_co_mutex*, bdrv_co_* and thread_pool_* events.
 * A known event must carry exactly its arguments (a cut line is an error, not a guess); lines qemu prints to
 * stderr among the events ({@code qcow2_free_clusters failed: Invalid argument}) are kept as stderr lines.
 */
public final class LogLineParser {

    private static final Map<String, List<String>> KEYS = new LinkedHashMap<>();

    static {
        List<String> co = List.of("co");
        List<String> coOffsetBytes = List.of("co", "offset", "bytes");
        List<String> handle = List.of("co", "guest_offset", "host_offset", "bytes");
        List<String> l2 = List.of("bs", "l1_index");
        List<String> cacheIndex = List.of("co", "is_l2_cache", "index");
        List<String> mutex = List.of("mutex", "self");
        List<String> bdrv = List.of("bs", "offset", "bytes", "flags");
        KEYS.put("qcow2_writev_start_req", coOffsetBytes);
        KEYS.put("qcow2_writev_start_part", co);
        KEYS.put("qcow2_alloc_clusters_offset", coOffsetBytes);
        KEYS.put("qcow2_handle_copied", handle);
        KEYS.put("qcow2_handle_alloc", handle);
        KEYS.put("qcow2_do_alloc_clusters_offset", List.of("co", "guest_offset", "host_offset", "nb_clusters"));
        KEYS.put("qcow2_cluster_alloc_phys", co);
        KEYS.put("qcow2_l2_allocate", l2);
        KEYS.put("qcow2_l2_allocate_get_empty", l2);
        KEYS.put("qcow2_l2_allocate_write_l2", l2);
        KEYS.put("qcow2_l2_allocate_write_l1", l2);
        KEYS.put("qcow2_l2_allocate_done", List.of("bs", "l1_index", "ret"));
        KEYS.put("qcow2_cache_get", List.of("co", "is_l2_cache", "offset", "read_from_disk"));
        KEYS.put("qcow2_cache_get_replace_entry", cacheIndex);
        KEYS.put("qcow2_cache_get_read", cacheIndex);
        KEYS.put("qcow2_cache_get_done", cacheIndex);
        KEYS.put("qcow2_cache_flush", List.of("co", "is_l2_cache"));
        KEYS.put("qcow2_cache_entry_flush", cacheIndex);
        KEYS.put("qcow2_writev_data", List.of("co", "offset"));
        KEYS.put("qcow2_skip_cow", List.of("co", "offset", "nb_clusters"));
        KEYS.put("qcow2_cluster_link_l2", List.of("co", "nb_clusters"));
        KEYS.put("qcow2_writev_done_part", List.of("co", "cur_bytes"));
        KEYS.put("qcow2_writev_done_req", List.of("co", "ret"));
        KEYS.put("qcow2_pwrite_zeroes_start_req", coOffsetBytes);
        KEYS.put("qcow2_pwrite_zeroes", coOffsetBytes);
        KEYS.put("qcow2_process_discards_failed_region", List.of("offset", "bytes", "ret"));
        KEYS.put("qemu_co_mutex_lock_uncontended", mutex);
        KEYS.put("qemu_co_mutex_lock_entry", mutex);
        KEYS.put("qemu_co_mutex_lock_return", mutex);
        KEYS.put("qemu_co_mutex_unlock_entry", mutex);
        KEYS.put("qemu_co_mutex_unlock_return", mutex);
        KEYS.put("bdrv_co_preadv_part", bdrv);
        KEYS.put("bdrv_co_pwritev_part", bdrv);
        KEYS.put("bdrv_co_pwrite_zeroes", bdrv);
        KEYS.put("thread_pool_submit", List.of("pool", "req", "opaque"));
        KEYS.put("thread_pool_complete", List.of("pool", "req", "opaque", "ret"));
        KEYS.put("thread_pool_cancel", List.of("req", "opaque"));
    }

    /** The block-job events whose arguments the importer reads; other job events are kept with their raw text. */
    private static final Map<String, List<String>> JOB_KEYS = Map.of(
            "stream_start", List.of("bs", "base", "s"),
            "stream_one_iteration", List.of("s", "offset", "bytes", "is_allocated"),
            "commit_start", List.of("bs", "base", "top", "s"),
            "commit_one_iteration", List.of("s", "offset", "bytes", "is_allocated"),
            "mirror_start", List.of("bs", "s", "opaque"),
            "mirror_one_iteration", List.of("s", "offset", "bytes"),
            "mirror_iteration_done", List.of("s", "offset", "bytes", "ret"),
            "job_completed", List.of("job", "ret"));
    private static final List<String> JOB_FAMILIES = List.of("stream_", "commit_", "mirror_", "job_");

    /** Events of the selected families whose arguments blockstep does not use; kept with their raw text. */
    private static final Set<String> OPAQUE = Set.of("bdrv_co_do_copy_on_readv", "bdrv_co_copy_range_from",
            "bdrv_co_copy_range_to");

    private static final Set<String> POINTERS = Set.of("co", "self", "mutex", "bs", "pool", "req", "opaque", "qiov",
            "s", "base", "top", "job");
    private static final Pattern POINTER = Pattern.compile("0x[0-9a-f]+|\\(nil\\)");
    private static final Pattern NUMBER = Pattern.compile("-?[0-9]+|0x[0-9a-f]+");
    private static final Pattern ADD_TASK = Pattern.compile("co (\\S+) bs (\\S+) pool (\\S+): (\\w+): cluster_type "
            + "(\\d+) file_cluster_offset (\\d+) offset (\\d+) bytes (\\d+) qiov (\\S+) qiov_offset (\\d+)");
    private static final List<String> ADD_TASK_KEYS = List.of("co", "bs", "pool", "op", "cluster_type",
            "file_cluster_offset", "offset", "bytes", "qiov", "qiov_offset");
    private static final Pattern STDERR = Pattern.compile("[A-Za-z0-9_]+ failed: .+|qemu-(io|nbd|img|system-[a-z0-9_]+): .+");
    /** qemu's log backend with {@code -msg timestamp=on}: {@code PID@SECONDS.MICROS:} before the event. */
    private static final Pattern TIMESTAMP = Pattern.compile("[0-9]+@[0-9]+\\.[0-9]+:(.*)");
    /** qemu-io's report of a finished request and its timing line, when its stdout goes to the same file. */
    private static final Pattern QEMU_IO_OUTPUT = Pattern.compile("(wrote|read|discard) [0-9]+/[0-9]+ bytes at offset "
            + "[0-9]+|[0-9.]+ (bytes|[KMGTPE]iB), [0-9]+ ops?; .+");
    /** Families the importer interprets: an unknown name in one of them is a cut or foreign line, not skipped. */
    private static final List<String> OWN_FAMILIES = List.of("qcow2_", "qemu_co_mutex_", "bdrv_co_", "thread_pool_");
    private static final Pattern EVENT = Pattern.compile("([a-z0-9_]+)(?: (.*))?");

    private LogLineParser() {
    }

    /** Parses one non-blank line; {@code source} names the log in errors. */
    public static LogLine parse(String text, String source, long line) throws ImportException {
        Matcher stamped = TIMESTAMP.matcher(text);
        if (stamped.matches()) {
            text = stamped.group(1);
        }
        if (STDERR.matcher(text).matches()) {
            return new LogLine(line, LogLine.STDERR, text, Map.of(), LogLine.Kind.STDERR);
        }
        if (QEMU_IO_OUTPUT.matcher(text).matches()) {
            return new LogLine(line, LogLine.QEMU_IO_OUTPUT, text, Map.of(), LogLine.Kind.QEMU_IO_OUTPUT);
        }
        Matcher m = EVENT.matcher(text);
        if (!m.matches()) {
            throw new ImportException(source, line, "expected \"<trace event> <args>\" or a qemu stderr message, got "
                    + shown(text));
        }
        String event = m.group(1);
        String args = m.group(2) == null ? "" : m.group(2);
        if (OPAQUE.contains(event)) {
            return new LogLine(line, event, args, Map.of(), LogLine.Kind.TRACE);
        }
        if (event.equals("qcow2_add_task")) {
            Matcher t = ADD_TASK.matcher(args);
            if (!t.matches()) {
                throw new ImportException(source, line, "expected qcow2_add_task \"co %p bs %p pool %p: %s: "
                        + "cluster_type %d file_cluster_offset %lu offset %lu bytes %lu qiov %p qiov_offset %zu\", got "
                        + shown(text));
            }
            Map<String, String> fields = new LinkedHashMap<>();
            for (int i = 0; i < ADD_TASK_KEYS.size(); i++) {
                fields.put(ADD_TASK_KEYS.get(i), t.group(i + 1));
            }
            return new LogLine(line, event, args, numbersFit(fields, source, line), LogLine.Kind.TRACE);
        }
        if (JOB_FAMILIES.stream().anyMatch(event::startsWith)) {
            List<String> jobKeys = JOB_KEYS.get(event);
            return new LogLine(line, event, args, jobKeys == null ? Map.of() : fields(event, jobKeys, text, args,
                    source, line), LogLine.Kind.JOB);
        }
        List<String> keys = KEYS.get(event);
        if (keys == null && OWN_FAMILIES.stream().noneMatch(event::startsWith)) {
            return new LogLine(line, event, args, Map.of(), LogLine.Kind.OTHER);
        }
        if (keys == null) {
            throw new ImportException(source, line, "unknown trace event \"" + event + "\" (expected a qcow2_*, "
                    + "qemu_co_mutex*, bdrv_co_* or thread_pool_* event of qemu 7.2)");
        }
        return new LogLine(line, event, args, fields(event, keys, text, args, source, line), LogLine.Kind.TRACE);
    }

    /** The "key value" pairs of an event that must carry exactly {@code keys}, in that order. */
    private static Map<String, String> fields(String event, List<String> keys, String text, String args, String source,
                                              long line) throws ImportException {
        String[] words = args.isEmpty() ? new String[0] : args.split(" ", -1);
        String expected = "expected " + event + " " + String.join(" ", keys.stream().map(k -> k + " <v>").toList());
        if (words.length != 2 * keys.size()) {
            throw new ImportException(source, line, expected + ", got " + shown(text));
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            String key = words[2 * i];
            String value = words[2 * i + 1];
            Pattern shape = POINTERS.contains(key) ? POINTER : NUMBER;
            if (!key.equals(keys.get(i)) || !shape.matcher(value).matches()) {
                throw new ImportException(source, line, expected + ", got " + shown(text));
            }
            fields.put(key, value);
        }
        return numbersFit(fields, source, line);
    }

    /** Every numeric field must fit in 64 bits, as qemu printed it from a 64-bit variable. */
    private static Map<String, String> numbersFit(Map<String, String> fields, String source, long line)
            throws ImportException {
        for (Map.Entry<String, String> f : fields.entrySet()) {
            if (POINTERS.contains(f.getKey()) || f.getKey().equals("op")) {
                continue;
            }
            try {
                number(f.getValue());
            } catch (NumberFormatException e) {
                throw new ImportException(source, line, "expected " + f.getKey() + " to be a 64-bit number, got "
                        + shown(f.getValue()));
            }
        }
        return fields;
    }

    private static String shown(String text) {
        String s = text.length() > 100 ? text.substring(0, 97) + "..." : text;
        return "\"" + s + "\"";
    }

    /** A decimal or 0x-hex number as printed by qemu. */
    public static long number(String text) {
        if (text.startsWith("0x")) {
            return Long.parseUnsignedLong(text.substring(2), 16);
        }
        return Long.parseLong(text);
    }
}
