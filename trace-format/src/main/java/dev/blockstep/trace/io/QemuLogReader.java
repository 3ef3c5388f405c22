package dev.blockstep.trace.io;

import com.fasterxml.jackson.core.JsonToken;
import dev.blockstep.trace.QemuEvent;
import dev.blockstep.trace.QemuLog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/** Reads the qemuLog section; its events array may be large and is handed to a sink one event at a time. */
final class QemuLogReader {

    static final Pattern EVENT = Pattern.compile("[a-z0-9_]+");
    static final Pattern ADDRESS = Pattern.compile("0x[0-9a-f]{1,16}|\\(nil\\)");
    static final Pattern SYMBOL = Pattern.compile("[A-Za-z0-9_.@>\\-]+");

    private QemuLogReader() {
    }

    /** Reads the section; events go to {@code sink} and are not kept in the returned log. */
    static QemuLog read(JsonCursor c, String path, Consumer<QemuEvent> sink) throws TraceFormatException {
        c.startObject(path, "a qemuLog object");
        Place start = c.place(path);
        String source = null;
        Map<String, String> symbols = null;
        List<String> inferred = new ArrayList<>();
        Map<String, Place> unresolved = new LinkedHashMap<>();
        for (String f = c.nextField(path); f != null; f = c.nextField(path)) {
            String p = path + "." + f;
            switch (f) {
                case "source" -> source = c.readString(p, "the log's file name", null);
                case "symbols" -> symbols = symbols(c, p);
                case "inferred" -> {
                    c.startArray(p, "an array of sentences");
                    for (int i = 0; c.next(p) != JsonToken.END_ARRAY; i++) {
                        String ip = p + "[" + i + "]";
                        if (c.token() != JsonToken.VALUE_STRING || c.text(ip).isEmpty()) {
                            throw c.expected(ip, "a non-empty string");
                        }
                        inferred.add(c.text(ip));
                    }
                }
                case "events" -> {
                    c.startArray(p, "an array of event objects");
                    long previousLine = 0;
                    for (int i = 0; c.next(p) != JsonToken.END_ARRAY; i++) {
                        Parsed parsed = event(c, p + "[" + i + "]", previousLine);
                        QemuEvent e = parsed.event();
                        previousLine = e.line();
                        if (e.coroutine() != null && (symbols == null || !symbols.containsKey(e.coroutine()))) {
                            if (symbols != null) {
                                throw c.fail(parsed.coPlace(), unknownSymbol(e.coroutine()));
                            }
                            unresolved.putIfAbsent(e.coroutine(), parsed.coPlace());
                        }
                        sink.accept(e);
                    }
                }
                default -> throw c.fail(p, "unknown field \"" + f
                        + "\" (expected source, symbols, events or inferred)");
            }
        }
        if (source == null) {
            throw c.fail(start, "missing field \"source\"");
        }
        if (symbols == null) {
            throw c.fail(start, "missing field \"symbols\"");
        }
        for (Map.Entry<String, Place> u : unresolved.entrySet()) {
            if (!symbols.containsKey(u.getKey())) {
                throw c.fail(u.getValue(), unknownSymbol(u.getKey()));
            }
        }
        return new QemuLog(source, symbols, List.of(), inferred);
    }

    private static String unknownSymbol(String name) {
        return "expected a coroutine named in qemuLog.symbols, got \"" + name + "\"";
    }

    private static Map<String, String> symbols(JsonCursor c, String p) throws TraceFormatException {
        c.startObject(p, "an object of symbol to address");
        Map<String, String> symbols = new LinkedHashMap<>();
        for (String k = c.nextField(p); k != null; k = c.nextField(p)) {
            String kp = p + "." + k;
            if (!SYMBOL.matcher(k).matches()) {
                throw c.fail(kp, "expected a symbol of letters, digits, '_', '.', '-', '>' or '@', got "
                        + JsonCursor.quote(k));
            }
            symbols.put(k, c.readString(kp, "an address such as \"0x55d131c4adf0\"", ADDRESS));
        }
        return symbols;
    }

    private record Parsed(QemuEvent event, Place coPlace) {
    }

    private static Parsed event(JsonCursor c, String path, long previousLine) throws TraceFormatException {
        if (c.token() != JsonToken.START_OBJECT) {
            throw c.expected(path, "an event object");
        }
        Place start = c.place(path);
        long line = -1;
        String co = null;
        String event = null;
        String args = "";
        Place coPlace = start;
        for (String f = c.nextField(path); f != null; f = c.nextField(path)) {
            String p = path + "." + f;
            switch (f) {
                case "line" -> line = c.readLong(p, "a log line number greater than " + previousLine,
                        v -> v > previousLine);
                case "co" -> {
                    co = c.readString(p, "a coroutine symbol", SYMBOL);
                    coPlace = c.place(p);
                }
                case "event" -> event = c.readString(p, "a trace-event name of lower-case letters, digits and '_'",
                        EVENT);
                case "args" -> {
                    if (c.next(p) != JsonToken.VALUE_STRING) {
                        throw c.expected(p, "a string");
                    }
                    args = c.text(p);
                }
                default -> throw c.fail(p, "unknown field \"" + f + "\" (expected line, co, event or args)");
            }
        }
        if (line < 0) {
            throw c.fail(start, "missing field \"line\"");
        }
        if (event == null) {
            throw c.fail(start, "missing field \"event\"");
        }
        return new Parsed(new QemuEvent(line, co, event, args), coPlace);
    }
}
