package dev.blockstep.trace.io;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.blockstep.trace.Checkpoint;
import dev.blockstep.trace.Command;
import dev.blockstep.trace.Producer;
import dev.blockstep.trace.QemuEvent;
import java.io.IOException;
import java.util.Map;

/** Writes the small items of a trace (commands, checkpoints, qemu events), each as one compact object. */
final class ItemWriter {

    private ItemWriter() {
    }

    static void command(JsonGenerator g, Command cmd) throws IOException {
        g.writeStartObject();
        g.writeStringField("op", cmd.op());
        if (cmd.coroutine() != null) {
            g.writeStringField("co", cmd.coroutine());
        }
        if (cmd instanceof Command.Write w) {
            producer(g, w.producer());
            range(g, w.offset(), w.bytes());
            if (w.pattern() != null) {
                g.writeNumberField("pattern", w.pattern());
            }
            flag(g, "zero", w.zero());
            flag(g, "unmap", w.unmap());
            flag(g, "fua", w.fua());
        } else if (cmd instanceof Command.Read r) {
            producer(g, r.producer());
            range(g, r.offset(), r.bytes());
            if (r.verifyPattern() != null) {
                g.writeNumberField("pattern", r.verifyPattern());
            }
        } else if (cmd instanceof Command.Discard d) {
            producer(g, d.producer());
            range(g, d.offset(), d.bytes());
            flag(g, "fua", d.fua());
        } else if (cmd instanceof Command.Flush f) {
            producer(g, f.producer());
        }
        g.writeEndObject();
    }

    private static void producer(JsonGenerator g, Producer p) throws IOException {
        if (p != Producer.GUEST) {
            g.writeStringField("producer", p.jsonName());
        }
    }

    private static void range(JsonGenerator g, long offset, long bytes) throws IOException {
        g.writeNumberField("offset", offset);
        g.writeNumberField("bytes", bytes);
    }

    private static void flag(JsonGenerator g, String name, boolean on) throws IOException {
        if (on) {
            g.writeBooleanField(name, true);
        }
    }

    static void checkpoint(JsonGenerator g, Checkpoint cp) throws IOException {
        g.writeStartObject();
        g.writeNumberField("step", cp.step());
        if (cp.imageSha256() != null) {
            g.writeStringField("imageSha256", cp.imageSha256());
        }
        if (!cp.l2().isEmpty()) {
            g.writeObjectFieldStart("l2");
            for (Map.Entry<Long, Long> e : cp.l2().entrySet()) {
                g.writeStringField(Long.toString(e.getKey()), "0x" + Long.toHexString(e.getValue()));
            }
            g.writeEndObject();
        }
        if (!cp.refcounts().isEmpty()) {
            g.writeObjectFieldStart("refcounts");
            for (Map.Entry<Long, Integer> e : cp.refcounts().entrySet()) {
                g.writeNumberField(Long.toString(e.getKey()), e.getValue());
            }
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    static void event(JsonGenerator g, QemuEvent e) throws IOException {
        g.writeStartObject();
        g.writeNumberField("line", e.line());
        if (e.coroutine() != null) {
            g.writeStringField("co", e.coroutine());
        }
        g.writeStringField("event", e.event());
        if (!e.args().isEmpty()) {
            g.writeStringField("args", e.args());
        }
        g.writeEndObject();
    }
}
