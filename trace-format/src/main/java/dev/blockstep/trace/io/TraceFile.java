package dev.blockstep.trace.io;

import com.fasterxml.jackson.core.JsonToken;
import dev.blockstep.trace.Command;
import dev.blockstep.trace.ScheduleCodec;
import dev.blockstep.trace.ScheduleEntry;
import dev.blockstep.trace.Trace;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A validated trace file whose workload and schedule stay on disk. {@link #commands()} and {@link #schedule()}
 * stream them again, so a trace of any length is run in bounded memory; the file was fully checked when it was
 * opened, so streaming only fails if the file changed since.
 */
public final class TraceFile {

    private final Path file;
    private final Trace header;
    private final long workloadLength;
    private final long scheduleLength;
    private final long qemuEventCount;

    TraceFile(Path file, Trace header, long workloadLength, long scheduleLength, long qemuEventCount) {
        this.file = file;
        this.header = header;
        this.workloadLength = workloadLength;
        this.scheduleLength = scheduleLength;
        this.qemuEventCount = qemuEventCount;
    }

    /** Everything but the workload, the schedule and the qemu events. */
    public Trace header() {
        return header;
    }

    /** The trace with its workload read into memory (the schedule and qemu events stay on disk). */
    public Trace withWorkload() throws TraceFormatException {
        List<Command> all = new ArrayList<>();
        try (CommandStream s = commands()) {
            for (Command cmd = s.next(); cmd != null; cmd = s.next()) {
                all.add(cmd);
            }
        }
        return header.withWorkload(all);
    }

    public long workloadLength() {
        return workloadLength;
    }

    public long scheduleLength() {
        return scheduleLength;
    }

    public long qemuEventCount() {
        return qemuEventCount;
    }

    /** A fresh pass over the schedule entries, in order; close it when done. */
    public ScheduleStream schedule() throws TraceFormatException {
        JsonCursor c = arrayOf("schedule", "an array of schedule entries");
        return new ScheduleStream(c, c == null ? 0 : scheduleLength);
    }

    /** A fresh pass over the workload's commands, in order; close it when done. */
    public CommandStream commands() throws TraceFormatException {
        return new CommandStream(arrayOf("workload", "an array of commands"), workloadLength);
    }

    /** A cursor inside the top-level array {@code field}, or null when the file has none. */
    private JsonCursor arrayOf(String field, String what) throws TraceFormatException {
        String name = TraceReader.name(file);
        InputStream in = TraceReader.open(file, name);
        JsonCursor c = new JsonCursor(name, in);
        try {
            c.startObject("$", "a trace object");
            for (String f = c.nextField("$"); f != null; f = c.nextField("$")) {
                if (f.equals(field)) {
                    c.startArray("$." + field, what);
                    return c;
                }
                c.next("$." + f);
                c.skipValue("$." + f);
            }
            c.close();
            return null;
        } catch (TraceFormatException e) {
            c.close();
            throw e;
        }
    }

    /** Pull-style access to the items of one top-level array, each read and checked as the parser did. */
    public abstract static sealed class ArrayStream<T> implements AutoCloseable permits CommandStream, ScheduleStream {
        private final JsonCursor c;
        private final String field;
        private final long length;
        private long index;

        ArrayStream(JsonCursor c, String field, long length) {
            this.c = c;
            this.field = field;
            this.length = length;
        }

        /** The next item, or null after the last one. */
        public T next() throws TraceFormatException {
            if (c == null || index >= length) {
                return null;
            }
            T item = read(c, "$." + field + "[" + index + "]");
            index++;
            return item;
        }

        abstract T read(JsonCursor c, String path) throws TraceFormatException;

        @Override
        public void close() {
            if (c != null) {
                c.close();
            }
        }
    }

    /** The workload's commands. */
    public static final class CommandStream extends ArrayStream<Command> {
        CommandStream(JsonCursor c, long length) {
            super(c, "workload", length);
        }

        @Override
        Command read(JsonCursor c, String path) throws TraceFormatException {
            if (c.next(path) != JsonToken.START_OBJECT) {
                throw c.expected(path, "a command object (the file changed since it was opened)");
            }
            return CommandReader.read(c, path, false).command();
        }
    }

    /** The schedule's entries. */
    public static final class ScheduleStream extends ArrayStream<ScheduleEntry> {
        ScheduleStream(JsonCursor c, long length) {
            super(c, "schedule", length);
        }

        @Override
        ScheduleEntry read(JsonCursor c, String path) throws TraceFormatException {
            if (c.next(path) != JsonToken.VALUE_STRING) {
                throw c.expected(path, "a schedule entry string (the file changed since it was opened)");
            }
            try {
                return ScheduleCodec.decode(c.text(path));
            } catch (IllegalArgumentException ex) {
                throw c.fail(path, ex.getMessage());
            }
        }
    }
}
