package dev.blockstep.trace.io;

import dev.blockstep.trace.ScheduleEntry;
import dev.blockstep.trace.Trace;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Writes a whole in-memory trace; for recording step by step use {@link StreamingTraceWriter}. */
public final class TraceWriter {

    private TraceWriter() {
    }

    public static void write(Trace trace, Path file) throws IOException {
        try (StreamingTraceWriter w = StreamingTraceWriter.create(file, trace.metadata(), trace.image(),
                trace.workload(), trace.producer(), trace.node(), trace.job())) {
            body(trace, w);
        }
    }

    public static void write(Trace trace, OutputStream out) throws IOException {
        try (StreamingTraceWriter w = StreamingTraceWriter.create(out, trace.metadata(), trace.image(),
                trace.workload(), trace.producer(), trace.node(), trace.job())) {
            body(trace, w);
        }
    }

    public static String toJson(Trace trace) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(trace, out);
        } catch (IOException e) {
            throw StreamingTraceWriter.unchecked(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void body(Trace trace, StreamingTraceWriter w) throws IOException {
        for (ScheduleEntry e : trace.schedule()) {
            w.step(e);
        }
        w.finish(trace.fix(), trace.checkpoints(), trace.qemuLog());
    }
}
