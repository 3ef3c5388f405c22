package dev.blockstep.trace.qemulog;

import java.util.Map;

/**
 * One parsed line of a qemu {@code -T} log (log backend: {@code <event> <formatted args>}).
 *
 * @param line   1-based line number
 * @param event  trace-event name, or {@link #STDERR} for a message qemu printed to stderr
 * @param args   the text after the event name, as printed
 * @param fields argument name to value in printed order (empty for stderr lines)
 */
public record LogLine(long line, String event, String args, Map<String, String> fields) {

    public static final String STDERR = "stderr";

    public String field(String name) {
        return fields.get(name);
    }

    /** The coroutine address the event names itself ({@code co} or {@code self}), or null. */
    public String ownCoroutine() {
        String co = fields.get("co");
        return co != null ? co : fields.get("self");
    }

    public boolean isMutex() {
        return event.startsWith("qemu_co_mutex_");
    }

    public boolean isMutexLock() {
        return event.startsWith("qemu_co_mutex_lock_");
    }

    /** A generic block-layer request event: bdrv_co_preadv_part, bdrv_co_pwritev_part, bdrv_co_pwrite_zeroes. */
    public boolean isBdrvRequest() {
        return event.equals("bdrv_co_preadv_part") || event.equals("bdrv_co_pwritev_part")
                || event.equals("bdrv_co_pwrite_zeroes");
    }
}
