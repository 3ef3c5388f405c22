package dev.blockstep.trace.io;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.blockstep.trace.Checkpoint;
import dev.blockstep.trace.Command;
import dev.blockstep.trace.FixSetting;
import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.JobCommand;
import dev.blockstep.trace.Metadata;
import dev.blockstep.trace.NodeOptions;
import dev.blockstep.trace.QemuEvent;
import dev.blockstep.trace.QemuLog;
import dev.blockstep.trace.ScheduleCodec;
import dev.blockstep.trace.ScheduleEntry;
import dev.blockstep.trace.Trace;
import dev.blockstep.trace.WorkloadProducer;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes a trace while it is being recorded: the header sections first, then one schedule entry per step as it
 * happens, then the fix, checkpoints and qemu log at {@link #finish}. Memory use does not grow with the
 * schedule. Field order is fixed, so the same trace always gives the same bytes.
 */
public final class StreamingTraceWriter implements AutoCloseable {

    private static final JsonFactory FACTORY = new JsonFactory();

    private final JsonGenerator g;
    private boolean scheduleOpen;
    private boolean finished;

    private StreamingTraceWriter(OutputStream out, Metadata metadata, ImageSetup image, List<Command> workload,
                                 WorkloadProducer producer, NodeOptions node, JobCommand job) throws IOException {
        g = FACTORY.createGenerator(out, JsonEncoding.UTF8);
        g.setPrettyPrinter(new LinePrettyPrinter());
        g.writeStartObject();
        g.writeNumberField("formatVersion", Trace.requiredVersion(image, producer, node, workload, job));
        metadata(metadata);
        image(image);
        if (producer != null) {
            producer(producer);
        }
        if (!NodeOptions.isEmpty(node)) {
            node(node);
        }
        if (job != null) {
            job(job);
        }
        g.writeArrayFieldStart("workload");
        for (Command c : workload) {
            ItemWriter.command(g, c);
        }
        g.writeEndArray();
    }

    /** Starts a trace file at {@code file}, replacing it. */
    public static StreamingTraceWriter create(Path file, Metadata metadata, ImageSetup image, List<Command> workload)
            throws IOException {
        return create(file, metadata, image, workload, null, null);
    }

    /** Starts a trace file whose workload names its producer and node options (either may be null). */
    public static StreamingTraceWriter create(Path file, Metadata metadata, ImageSetup image, List<Command> workload,
                                              WorkloadProducer producer, NodeOptions node) throws IOException {
        return create(file, metadata, image, workload, producer, node, null);
    }

    /** Starts a trace file whose workload runs beside a block job (producer, node and job may be null). */
    public static StreamingTraceWriter create(Path file, Metadata metadata, ImageSetup image, List<Command> workload,
                                              WorkloadProducer producer, NodeOptions node, JobCommand job)
            throws IOException {
        return create(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16), metadata, image, workload,
                producer, node, job);
    }

    public static StreamingTraceWriter create(OutputStream out, Metadata metadata, ImageSetup image,
                                              List<Command> workload) throws IOException {
        return create(out, metadata, image, workload, null, null);
    }

    public static StreamingTraceWriter create(OutputStream out, Metadata metadata, ImageSetup image,
                                              List<Command> workload, WorkloadProducer producer, NodeOptions node)
            throws IOException {
        return create(out, metadata, image, workload, producer, node, null);
    }

    public static StreamingTraceWriter create(OutputStream out, Metadata metadata, ImageSetup image,
                                              List<Command> workload, WorkloadProducer producer, NodeOptions node,
                                              JobCommand job) throws IOException {
        return new StreamingTraceWriter(out, metadata, image, workload, producer, node, job);
    }

    /** Appends the next step of the schedule. */
    public void step(ScheduleEntry entry) throws IOException {
        if (!scheduleOpen) {
            g.writeArrayFieldStart("schedule");
            scheduleOpen = true;
        }
        g.writeString(ScheduleCodec.encode(entry));
    }

    /** Writes the closing sections; {@code qemuLog} may be null. */
    public void finish(FixSetting fix, List<Checkpoint> checkpoints, QemuLog qemuLog) throws IOException {
        if (scheduleOpen) {
            g.writeEndArray();
            scheduleOpen = false;
        }
        g.writeObjectFieldStart("fix");
        g.writeStringField("initial", fix.initial());
        g.writeArrayFieldStart("flips");
        for (FixSetting.Change ch : fix.changes()) {
            g.writeStartObject();
            g.writeNumberField("step", ch.step());
            g.writeStringField("variant", ch.variant());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
        if (!checkpoints.isEmpty()) {
            g.writeArrayFieldStart("checkpoints");
            for (Checkpoint cp : checkpoints) {
                ItemWriter.checkpoint(g, cp);
            }
            g.writeEndArray();
        }
        if (qemuLog != null) {
            qemuLog(qemuLog);
        }
        g.writeEndObject();
        g.writeRaw('\n');
        finished = true;
        g.close();
    }

    private void metadata(Metadata m) throws IOException {
        g.writeObjectFieldStart("metadata");
        optional("title", m.title());
        optional("description", m.description());
        optional("createdBy", m.createdBy());
        if (m.seed() != null) {
            g.writeNumberField("seed", m.seed());
        }
        optional("policy", m.policy());
        g.writeEndObject();
    }

    private void optional(String name, String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        }
    }

    private void image(ImageSetup image) throws IOException {
        image("image", image);
    }

    private void image(String field, ImageSetup image) throws IOException {
        g.writeObjectFieldStart(field);
        if (image instanceof ImageSetup.Fresh f) {
            g.writeNumberField("virtualSize", f.virtualSize());
            g.writeNumberField("clusterSize", f.clusterSize());
        } else if (image instanceof ImageSetup.Base b) {
            g.writeStringField("base", b.path());
            optional("sha256", b.sha256());
        }
        if (!image.setup().isEmpty()) {
            g.writeArrayFieldStart("setup");
            for (Command c : image.setup()) {
                ItemWriter.command(g, c);
            }
            g.writeEndArray();
        }
        if (image.backing() != null) {
            g.writeObjectFieldStart("backing");
            g.writeStringField("name", image.backing().name());
            g.writeStringField("format", image.backing().format());
            image(image.backing().image());
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private void producer(WorkloadProducer p) throws IOException {
        g.writeObjectFieldStart("producer");
        g.writeStringField("tool", p.tool().jsonName());
        g.writeNumberField("clients", p.clients());
        optional("drive", p.drive());
        g.writeEndObject();
    }

    private void node(NodeOptions n) throws IOException {
        g.writeObjectFieldStart("node");
        optional("discard", n.discard() == null ? null : NodeOptions.jsonName(n.discard()));
        optional("detectZeroes", n.detectZeroes() == null ? null : NodeOptions.jsonName(n.detectZeroes()));
        optional("cache", n.cache() == null ? null : NodeOptions.jsonName(n.cache()));
        g.writeEndObject();
    }

    /** The QMP command as a client sends it: execute and arguments, in QMP's own order of the arguments. */
    private void job(JobCommand job) throws IOException {
        g.writeObjectFieldStart("job");
        g.writeStringField("execute", job.execute());
        g.writeObjectFieldStart("arguments");
        optional("job-id", job.jobId());
        g.writeStringField("device", job.device());
        if (job instanceof JobCommand.BlockStream s) {
            optional("base", s.base());
            optional("backing-file", s.backingFile());
        } else if (job instanceof JobCommand.BlockCommit c) {
            optional("top", c.top());
            optional("base", c.base());
            optional("backing-file", c.backingFile());
        } else if (job instanceof JobCommand.BlockdevMirror m) {
            g.writeStringField("target", m.target());
            g.writeStringField("sync", JobCommand.qmpName(m.sync()));
            optional("copy-mode", m.copyMode() == null ? null : JobCommand.qmpName(m.copyMode()));
            if (m.granularity() != null) {
                g.writeNumberField("granularity", m.granularity());
            }
        }
        g.writeEndObject();
        if (job instanceof JobCommand.BlockdevMirror m) {
            image("targetImage", m.targetImage());
        }
        g.writeNumberField("afterCommands", job.afterCommands());
        g.writeEndObject();
    }

    private void qemuLog(QemuLog log) throws IOException {
        g.writeObjectFieldStart("qemuLog");
        g.writeStringField("source", log.source());
        g.writeObjectFieldStart("symbols");
        for (Map.Entry<String, String> e : log.symbols().entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
        g.writeArrayFieldStart("inferred");
        for (String s : log.inferred()) {
            g.writeString(s);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("events");
        for (QemuEvent e : log.events()) {
            ItemWriter.event(g, e);
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** Closes the file; an unfinished trace is left incomplete (and will not parse), never silently valid. */
    @Override
    public void close() throws IOException {
        if (!finished) {
            g.close();
        }
    }

    static UncheckedIOException unchecked(IOException e) {
        return new UncheckedIOException(e);
    }
}
