package dev.blockstep.trace.io;

import com.fasterxml.jackson.core.JsonToken;
import dev.blockstep.trace.ScheduleCodec;
import dev.blockstep.trace.ScheduleEntry;
import dev.blockstep.trace.Trace;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * A validated trace file whose schedule stays on disk. {@link #schedule()} streams it again; the file was fully
 * checked when it was opened, so streaming only fails if the file changed since.
 */
public final class TraceFile {

    private final Path file;
    private final Trace header;
    private final long scheduleLength;
    private final long qemuEventCount;

    TraceFile(Path file, Trace header, long scheduleLength, long qemuEventCount) {
        this.file = file;
        this.header = header;
        this.scheduleLength = scheduleLength;
        this.qemuEventCount = qemuEventCount;
    }

    /** Everything but the schedule and the qemu events. */
    public Trace header() {
        return header;
    }

    public long scheduleLength() {
        return scheduleLength;
    }

    public long qemuEventCount() {
        return qemuEventCount;
    }

    /** A fresh pass over the schedule entries, in order; close it when done. */
    public ScheduleStream schedule() throws TraceFormatException {
        String name = TraceReader.name(file);
        InputStream in = TraceReader.open(file, name);
        JsonCursor c = new JsonCursor(name, in);
        try {
            c.startObject("$", "a trace object");
            for (String f = c.nextField("$"); f != null; f = c.nextField("$")) {
                if (f.equals("schedule")) {
                    c.startArray("$.schedule", "an array of schedule entries");
                    return new ScheduleStream(c, scheduleLength);
                }
                c.next("$." + f);
                c.skipValue("$." + f);
            }
            return new ScheduleStream(c, 0);
        } catch (TraceFormatException e) {
            c.close();
            throw e;
        }
    }

    /** Pull-style access to schedule entries. */
    public static final class ScheduleStream implements AutoCloseable {
        private final JsonCursor c;
        private final long length;
        private long index;

        ScheduleStream(JsonCursor c, long length) {
            this.c = c;
            this.length = length;
        }

        /** The next entry, or null after the last one. */
        public ScheduleEntry next() throws TraceFormatException {
            if (index >= length) {
                return null;
            }
            String path = "$.schedule[" + index + "]";
            if (c.next(path) != JsonToken.VALUE_STRING) {
                throw c.expected(path, "a schedule entry string (the file changed since it was opened)");
            }
            try {
                ScheduleEntry e = ScheduleCodec.decode(c.text(path));
                index++;
                return e;
            } catch (IllegalArgumentException ex) {
                throw c.fail(path, ex.getMessage());
            }
        }

        @Override
        public void close() {
            c.close();
        }
    }
}
