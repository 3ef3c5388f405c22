package dev.blockstep.trace.io;

import com.fasterxml.jackson.core.JsonToken;
import dev.blockstep.trace.Checkpoint;
import dev.blockstep.trace.Command;
import dev.blockstep.trace.FixSetting;
import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.Metadata;
import dev.blockstep.trace.NodeOptions;
import dev.blockstep.trace.QemuEvent;
import dev.blockstep.trace.QemuLog;
import dev.blockstep.trace.ScheduleCodec;
import dev.blockstep.trace.ScheduleEntry;
import dev.blockstep.trace.Trace;
import dev.blockstep.trace.WorkloadProducer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One streaming pass over a whole trace file: validates everything and builds the model. The big arrays
 * (schedule, qemuLog.events) go to sinks, so a caller that does not keep them reads a file of any size in
 * constant memory. Checks that need two sections (schedule names vs workload, flips vs schedule length, ranges
 * vs virtual size) remember the place of the first offender and report it at the end.
 */
final class TraceParser {

    /** The model without the big arrays (workload, schedule, qemu events), plus their lengths. */
    record Parsed(Trace trace, long workloadLength, long scheduleLength, long eventCount) {
    }

    private static final String TOP_FIELDS =
            "formatVersion, metadata, image, producer, node, job, workload, fix, schedule, checkpoints or qemuLog";

    private final JsonCursor c;
    private final Consumer<Command> workloadSink;
    private final Consumer<ScheduleEntry> scheduleSink;
    private final Consumer<QemuEvent> eventSink;

    private Metadata metadata = Metadata.empty();
    private SectionReaders.Image image;
    private long workloadLength = -1;
    private int version;
    /**
     * When the workload comes before the image: the places of requests that end further out than every request
     * before them (with those ends). The first of them past a fresh image's virtual size is the first request past
     * it, and nothing else of the workload need be kept.
     */
    private final List<Place> furthestPlaces = new ArrayList<>();
    private final List<Long> furthestEnds = new ArrayList<>();
    private boolean setupChecked;
    private Set<String> coroutines;
    /** The first coroutine names of the workload, for error messages. */
    private final List<String> firstCoroutines = new ArrayList<>();
    private SectionReaders.Fix fix;
    private final List<Checkpoint> checkpoints = new ArrayList<>();
    private final List<Place> checkpointPlaces = new ArrayList<>();
    private QemuLog qemuLog;
    private WorkloadProducer producer;
    private NodeOptions node;
    private JobReader.Read job;
    private long scheduleLength;
    private long eventCount;
    /** Coroutines a schedule named before the workload was read: name to first place. */
    private final Map<String, Place> unresolved = new LinkedHashMap<>();

    TraceParser(JsonCursor c, Consumer<Command> workloadSink, Consumer<ScheduleEntry> scheduleSink,
                Consumer<QemuEvent> eventSink) {
        this.c = c;
        this.workloadSink = workloadSink;
        this.scheduleSink = scheduleSink;
        this.eventSink = eventSink;
    }

    Parsed parse() throws TraceFormatException {
        c.startObject("$", "a trace object");
        Place root = c.place("$");
        String first = c.nextField("$");
        if (!"formatVersion".equals(first)) {
            throw c.fail(first == null ? "$" : "$." + first, "expected \"formatVersion\" as the first field, got "
                    + (first == null ? "an empty object" : JsonCursor.quote(first)));
        }
        int version = c.readInt("$.formatVersion", "a format version (a positive integer)", v -> v >= 1);
        this.version = version;
        if (version > Trace.FORMAT_VERSION) {
            throw c.fail("$.formatVersion", "unsupported format version " + version + " (this blockstep reads versions "
                    + Trace.OLDEST_FORMAT_VERSION + " to " + Trace.FORMAT_VERSION
                    + "; the file was written by a newer one)");
        }
        for (String f = c.nextField("$"); f != null; f = c.nextField("$")) {
            String p = "$." + f;
            switch (f) {
                case "metadata" -> metadata = SectionReaders.metadata(c, p);
                case "image" -> image = SectionReaders.image(c, p, version);
                case "producer" -> {
                    needsVersion2(version, p, f);
                    producer = ProducerReaders.producer(c, p);
                }
                case "node" -> {
                    needsVersion2(version, p, f);
                    node = ProducerReaders.node(c, p);
                }
                case "job" -> {
                    if (version < 5) {
                        throw c.fail(p, "field \"job\" needs formatVersion 5, the file says " + version);
                    }
                    job = JobReader.read(c, p, version);
                }
                case "workload" -> readWorkload(p);
                case "fix" -> fix = SectionReaders.fix(c, p);
                case "schedule" -> readSchedule(p);
                case "checkpoints" -> readCheckpoints(p);
                case "qemuLog" -> qemuLog = QemuLogReader.read(c, p, e -> {
                    eventCount++;
                    eventSink.accept(e);
                });
                default -> throw c.fail(p, "unknown field \"" + f + "\" (expected " + TOP_FIELDS + ")");
            }
        }
        JsonToken after;
        try {
            after = c.next("$");
        } catch (TraceFormatException e) {
            throw c.fail(e.place(), "expected end of file after the trace object, got more text");
        }
        if (after != null) {
            throw c.fail("$", "expected end of file after the trace object, got more text");
        }
        if (image == null) {
            throw c.fail(root, "missing field \"image\"");
        }
        if (workloadLength < 0) {
            throw c.fail(root, "missing field \"workload\"");
        }
        crossCheck();
        FixSetting fixSetting = fix == null ? FixSetting.off() : fix.setting();
        Trace trace = new Trace(version, metadata, image.setup(), List.of(), fixSetting, List.of(), checkpoints,
                qemuLog, producer, node, job == null ? null : job.job());
        return new Parsed(trace, workloadLength, scheduleLength, eventCount);
    }

    private void needsVersion2(int version, String p, String field) throws TraceFormatException {
        if (version < 2) {
            throw c.fail(p, "field \"" + field + "\" needs formatVersion 2, the file says " + version);
        }
    }

    private void readWorkload(String p) throws TraceFormatException {
        c.startArray(p, "an array of commands");
        Place start = c.place(p);
        coroutines = new HashSet<>();
        long count = 0;
        long end = 0;
        long virtualSize = -1;
        if (image != null && image.setup() instanceof ImageSetup.Fresh fresh) {
            checkFresh(image.commands(), fresh);
            virtualSize = fresh.virtualSize();
        }
        for (int i = 0; c.next(p) != JsonToken.END_ARRAY; i++) {
            String ip = p + "[" + i + "]";
            CommandReader.Read r = CommandReader.read(c, ip, false);
            if (r.command() instanceof Command.Discard d && d.fua() && version < 4) {
                throw c.fail(r.start(), "field \"fua\" on a discard needs formatVersion 4, the file says " + version);
            }
            String co = r.command().coroutine();
            if (Trace.MAIN_COROUTINE.equals(co)) {
                throw c.fail(r.start(), "coroutine name \"" + co + "\" is reserved for qemu-io's command loop");
            }
            if (co != null && !coroutines.add(co)) {
                throw c.fail(r.start(), "coroutine \"" + co + "\" already runs an earlier command (each request has "
                        + "its own coroutine)");
            }
            if (co != null && firstCoroutines.size() < 8) {
                firstCoroutines.add(co);
            }
            if (virtualSize >= 0) {
                checkEnd(r.end(), r.offsetPlace(), virtualSize);
            } else if (image == null && r.end() > end) {
                end = r.end();
                furthestPlaces.add(r.offsetPlace());
                furthestEnds.add(r.end());
            }
            count++;
            workloadSink.accept(r.command());
        }
        workloadLength = count;
        if (count == 0) {
            throw c.fail(start, "expected at least one command, got an empty workload");
        }
    }

    private void readSchedule(String p) throws TraceFormatException {
        c.startArray(p, "an array of schedule entries");
        for (long i = 0; c.next(p) != JsonToken.END_ARRAY; i++) {
            String ip = p + "[" + i + "]";
            if (c.token() != JsonToken.VALUE_STRING) {
                throw c.expected(ip, "a schedule entry string \"CHOSEN [of RUNNABLE,...] [: STEP] [# REASON]\"");
            }
            ScheduleEntry e;
            try {
                e = ScheduleCodec.decode(c.text(ip));
            } catch (IllegalArgumentException ex) {
                throw c.fail(ip, ex.getMessage());
            }
            for (String name : e.runnable()) {
                if (name.equals(Trace.MAIN_COROUTINE)) {
                    continue;
                }
                if (coroutines == null || job == null) {
                    // the job section may come later: names the workload does not know are checked at the end
                    if (coroutines == null || !coroutines.contains(name)) {
                        unresolved.putIfAbsent(name, c.place(ip));
                    }
                } else if (!coroutines.contains(name) && !job.job().names(name)) {
                    throw c.fail(ip, notInWorkload(name));
                }
            }
            scheduleLength++;
            scheduleSink.accept(e);
        }
    }

    private void readCheckpoints(String p) throws TraceFormatException {
        c.startArray(p, "an array of checkpoints");
        long previous = -1;
        for (int i = 0; c.next(p) != JsonToken.END_ARRAY; i++) {
            String ip = p + "[" + i + "]";
            Place start = c.place(ip);
            Checkpoint cp = SectionReaders.checkpoint(c, ip, previous);
            previous = cp.step();
            checkpoints.add(cp);
            checkpointPlaces.add(new Place(start.line(), start.column(), ip + ".step"));
        }
    }

    private String notInWorkload(String name) {
        String shown = coroutines.size() <= 8 ? String.join(", ", firstCoroutines)
                : String.join(", ", firstCoroutines) + ", ... (" + coroutines.size() + " in all)";
        return "expected " + Trace.MAIN_COROUTINE + (job == null ? "" : ", the job's " + job.job().type())
                + " or a coroutine of the workload (" + shown + "), got \"" + name + "\"";
    }

    private void crossCheck() throws TraceFormatException {
        for (Map.Entry<String, Place> u : unresolved.entrySet()) {
            if (!coroutines.contains(u.getKey()) && (job == null || !job.job().names(u.getKey()))) {
                throw c.fail(u.getValue(), notInWorkload(u.getKey()));
            }
        }
        if (fix != null && scheduleLength > 0) {
            for (int i = 0; i < fix.steps().size(); i++) {
                long flip = fix.steps().get(i);
                if (flip >= scheduleLength) {
                    throw c.fail(fix.places().get(i), "expected a step index in 1.." + (scheduleLength - 1)
                            + " (the schedule has " + scheduleLength + " steps), got " + flip);
                }
            }
        }
        if (scheduleLength > 0) {
            for (int i = 0; i < checkpoints.size(); i++) {
                if (checkpoints.get(i).step() > scheduleLength) {
                    throw c.fail(checkpointPlaces.get(i), "expected a step index in 0.." + scheduleLength
                            + " (the schedule has " + scheduleLength + " steps), got " + checkpoints.get(i).step());
                }
            }
        }
        if (job != null) {
            for (String co : coroutines) {
                if (job.job().names(co)) {
                    throw c.fail(job.afterPlace(), "the workload's coroutine \"" + co + "\" takes a name of the "
                            + job.job().type() + " job's coroutines (" + job.job().type() + ", " + job.job().type()
                            + ".*); rename it");
                }
            }
            TraceFormatException bad = JobReader.crossCheck(c, job, image.setup(), workloadLength);
            if (bad != null) {
                throw bad;
            }
        }
        if (image.setup() instanceof ImageSetup.Fresh fresh) {
            checkFresh(image.commands(), fresh);
            for (int i = 0; i < furthestEnds.size(); i++) {
                checkEnd(furthestEnds.get(i), furthestPlaces.get(i), fresh.virtualSize());
            }
        }
    }

    private void checkFresh(List<CommandReader.Read> setup, ImageSetup.Fresh fresh) throws TraceFormatException {
        if (!setupChecked) {
            setupChecked = true;
            for (CommandReader.Read r : setup) {
                checkEnd(r.end(), r.offsetPlace(), fresh.virtualSize());
            }
        }
    }

    private void checkEnd(long end, Place offset, long virtualSize) throws TraceFormatException {
        if (end > virtualSize) {
            throw c.fail(offset, "expected offset + bytes within the virtual size " + virtualSize
                    + ", got a request ending at " + end);
        }
    }
}
