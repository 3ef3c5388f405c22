package dev.blockstep.trace.io;

import dev.blockstep.trace.Command;
import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.JobCommand;
import dev.blockstep.trace.QemuEvent;
import dev.blockstep.trace.QemuLog;
import dev.blockstep.trace.ScheduleEntry;
import dev.blockstep.trace.Trace;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads trace files. {@link #read} builds the whole model; {@link #open} validates the file in one streaming
 * pass and keeps only the small sections, so a file of any size is read in constant memory and its schedule
 * is then streamed again from disk.
 */
public final class TraceReader {

    private TraceReader() {
    }

    /** Reads and validates a whole trace into memory. */
    public static Trace read(Path file) throws TraceFormatException {
        try (InputStream in = open(file, name(file))) {
            return read(in, name(file));
        } catch (IOException e) {
            throw cannotRead(file, e);
        }
    }

    /** Reads a trace from a stream; {@code name} is what errors call the file. */
    public static Trace read(InputStream in, String name) throws TraceFormatException {
        List<Command> workload = new ArrayList<>();
        List<ScheduleEntry> schedule = new ArrayList<>();
        List<QemuEvent> events = new ArrayList<>();
        TraceParser.Parsed parsed;
        try (JsonCursor c = new JsonCursor(name, in)) {
            parsed = new TraceParser(c, workload::add, schedule::add, events::add).parse();
        }
        Trace t = parsed.trace();
        QemuLog log = t.qemuLog() == null ? null
                : new QemuLog(t.qemuLog().source(), t.qemuLog().symbols(), events, t.qemuLog().inferred());
        return new Trace(t.formatVersion(), t.metadata(), t.image(), workload, t.fix(), schedule,
                t.checkpoints(), log, t.producer(), t.node(), t.job());
    }

    /**
     * Validates the whole file in one streaming pass, keeping only the small sections. The returned handle's
     * {@link TraceFile#header()} has an empty workload, an empty schedule and no qemu events; stream them with
     * {@link TraceFile#commands()} and {@link TraceFile#schedule()}.
     */
    public static TraceFile open(Path file) throws TraceFormatException {
        try (InputStream in = open(file, name(file)); JsonCursor c = new JsonCursor(name(file), in)) {
            TraceParser.Parsed parsed = new TraceParser(c, e -> { }, e -> { }, e -> { }).parse();
            return new TraceFile(file, parsed.trace(), parsed.workloadLength(), parsed.scheduleLength(),
                    parsed.eventCount());
        } catch (IOException e) {
            throw cannotRead(file, e);
        }
    }

    /**
     * Reads a block job's QMP command on its own, as a trace's {@code job} field holds it: what a user states for a
     * qemu log that does not name the whole command. {@code name} is what errors call the input; {@code image} is
     * the image the job runs on, which a stream's or commit's chain arguments must name. The log says when the job
     * started, so afterCommands is refused.
     */
    public static JobCommand readJob(InputStream in, String name, ImageSetup image) throws TraceFormatException {
        try (JsonCursor c = new JsonCursor(name, in)) {
            JobReader.Read r = JobReader.read(c, "$", Trace.FORMAT_VERSION);
            if (r.afterGiven()) {
                throw c.fail(r.afterPlace(), "field \"afterCommands\" does not belong to a stated job (the log shows "
                        + "when it started)");
            }
            if (c.next("$") != null) {
                throw c.fail("$", "expected end of input after the job object, got more text");
            }
            TraceFormatException bad = JobReader.crossCheck(c, r, image, Long.MAX_VALUE);
            if (bad != null) {
                throw bad;
            }
            return r.job();
        }
    }

    static String name(Path file) {
        Path n = file.getFileName();
        return n == null ? file.toString() : n.toString();
    }

    static InputStream open(Path file, String name) throws TraceFormatException {
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            // A FIFO would block and a device would never end: refuse both before opening.
            throw new TraceFormatException(name, new Place(1, 1, "$"), "expected a regular file, but " + file
                    + (Files.isDirectory(file) ? " is a directory" : " is a FIFO, socket or device"));
        }
        try {
            return new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        } catch (NoSuchFileException e) {
            throw new TraceFormatException(name, new Place(1, 1, "$"), "no such file: " + file);
        } catch (IOException e) {
            throw cannotRead(file, e);
        }
    }

    static TraceFormatException cannotRead(Path file, IOException e) {
        return new TraceFormatException(name(file), new Place(1, 1, "$"),
                "cannot read " + file + ": " + JsonCursor.oneLine(e.getMessage()));
    }
}
