package dev.blockstep.trace.io;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.PrettyPrinter;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Lays a trace out with one item per line: the top-level object and its sections are indented, arrays inside
 * sections (workload commands, schedule entries, setup commands, events) put each element on its own line, and anything
 * deeper (a command's fields) stays on that one line. Diffs of two traces then read line by line.
 */
final class LinePrettyPrinter implements PrettyPrinter {

    private final Deque<Boolean> expanded = new ArrayDeque<>();

    /** Arrays one level down inside a section that still get one element per line. */
    private static final java.util.Set<String> LISTS = java.util.Set.of("setup", "events", "inferred");

    private boolean expand(JsonGenerator g, boolean array) {
        int depth = expanded.size() + 1;
        if (depth <= 2) {
            return true;
        }
        if (!array || depth != 3) {
            return false;
        }
        com.fasterxml.jackson.core.JsonStreamContext parent = g.getOutputContext().getParent();
        return parent != null && LISTS.contains(parent.getCurrentName());
    }

    private void newline(JsonGenerator g, int level) throws IOException {
        g.writeRaw('\n');
        for (int i = 0; i < level; i++) {
            g.writeRaw("  ");
        }
    }

    private boolean current() {
        return Boolean.TRUE.equals(expanded.peek());
    }

    @Override
    public void writeRootValueSeparator(JsonGenerator g) throws IOException {
        g.writeRaw('\n');
    }

    @Override
    public void writeStartObject(JsonGenerator g) throws IOException {
        expanded.push(expand(g, false));
        g.writeRaw('{');
    }

    @Override
    public void writeEndObject(JsonGenerator g, int nrOfEntries) throws IOException {
        endContainer(g, nrOfEntries, '}');
    }

    @Override
    public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
        separator(g);
    }

    @Override
    public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
        g.writeRaw(": ");
    }

    @Override
    public void writeStartArray(JsonGenerator g) throws IOException {
        expanded.push(expand(g, true));
        g.writeRaw('[');
    }

    @Override
    public void writeEndArray(JsonGenerator g, int nrOfValues) throws IOException {
        endContainer(g, nrOfValues, ']');
    }

    @Override
    public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
        separator(g);
    }

    /** Closes an object or array: on its own line when the container was expanded and is not empty. */
    private void endContainer(JsonGenerator g, int members, char close) throws IOException {
        boolean e = expanded.pop();
        if (e && members > 0) {
            newline(g, expanded.size());
        }
        g.writeRaw(close);
    }

    /** Between members: a new line inside an expanded container, a space inside a compact one. */
    private void separator(JsonGenerator g) throws IOException {
        g.writeRaw(',');
        if (current()) {
            newline(g, expanded.size());
        } else {
            g.writeRaw(' ');
        }
    }

    @Override
    public void beforeArrayValues(JsonGenerator g) throws IOException {
        if (current()) {
            newline(g, expanded.size());
        }
    }

    @Override
    public void beforeObjectEntries(JsonGenerator g) throws IOException {
        if (current()) {
            newline(g, expanded.size());
        }
    }
}
