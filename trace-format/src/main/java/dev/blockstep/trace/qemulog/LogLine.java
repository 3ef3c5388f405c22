package dev.blockstep.trace.qemulog;

import java.util.Map;

/**
 * One parsed line of a qemu {@code -T} log (log backend: {@code <event> <formatted args>}).
 *
 * @param line   1-based line number
 * @param event  trace-event name, or {@link #STDERR} for a message qemu printed to stderr
 * @param args   the text after the event name, as printed
 * @param fields argument name to value in printed order (empty for stderr lines)
 * @param kind   what the line is, and so whether the importer uses it
 */
public record LogLine(long line, String event, String args, Map<String, String> fields, Kind kind) {

    public static final String STDERR = "stderr";

    /** The name given to a line of qemu-io's own output that was merged into the log. */
    public static final String QEMU_IO_OUTPUT = "qemu-io-output";

    public enum Kind {
        /** A qcow2_*, qemu_co_mutex*, bdrv_co_* or thread_pool_* event: what the importer reads. */
        TRACE,
        /** A message qemu printed to stderr among the events. */
        STDERR,
        /** qemu-io's own output ("wrote 65536/65536 bytes at offset 0", the timing line). */
        QEMU_IO_OUTPUT,
        /**
         * A block job's event (stream_*, commit_*, mirror_*, job_*): where a job starts, which coroutine runs it and
         * where it ends.
         */
        JOB,
        /** An event of another family (blk_*, nbd_*, ...): counted, not interpreted. */
        OTHER
    }

    /** Whether the importer interprets this line (trace events of its families, job events, stderr messages). */
    public boolean used() {
        return kind == Kind.TRACE || kind == Kind.STDERR || kind == Kind.JOB;
    }

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
