package dev.blockstep.trace.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongPredicate;
import java.util.regex.Pattern;

/**
 * A pull parser that knows the file name and turns every problem into a one-line {@link TraceFormatException}.
 * Callers pass the JSON path of the value they read, so errors name it exactly.
 */
final class JsonCursor implements AutoCloseable {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final String file;
    private final JsonParser parser;
    private String lastPath = "$";

    JsonCursor(String file, InputStream in) throws TraceFormatException {
        this.file = file;
        try {
            this.parser = FACTORY.createParser(in);
        } catch (IOException e) {
            throw new TraceFormatException(file, new Place(1, 1, "$"), "cannot read: " + oneLine(e.getMessage()));
        }
    }

    String file() {
        return file;
    }

    /** Advances one token; null at end of input. */
    JsonToken next(String path) throws TraceFormatException {
        lastPath = path;
        try {
            return parser.nextToken();
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation() != null ? e.getLocation() : parser.currentLocation();
            throw new TraceFormatException(file, new Place(loc.getLineNr(), loc.getColumnNr(), path),
                    "malformed JSON: " + oneLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw fail(path, "cannot read: " + oneLine(e.getMessage()));
        }
    }

    JsonToken token() {
        return parser.currentToken();
    }

    /** Where the current token starts. */
    Place place(String path) {
        JsonLocation loc = parser.currentTokenLocation();
        return new Place(loc.getLineNr(), loc.getColumnNr(), path);
    }

    TraceFormatException fail(String path, String problem) {
        return new TraceFormatException(file, place(path), problem);
    }

    TraceFormatException fail(Place place, String problem) {
        return new TraceFormatException(file, place, problem);
    }

    TraceFormatException expected(String path, String what) {
        return fail(path, "expected " + what + ", got " + describe());
    }

    /** The current token as an error message shows it. */
    String describe() {
        JsonToken t = parser.currentToken();
        if (t == null) {
            return "end of file";
        }
        try {
            return switch (t) {
                case START_OBJECT -> "an object";
                case START_ARRAY -> "an array";
                case VALUE_STRING -> quote(parser.getText());
                case VALUE_NULL -> "null";
                default -> parser.getText();
            };
        } catch (IOException e) {
            return t.toString();
        }
    }

    void startObject(String path, String what) throws TraceFormatException {
        if (next(path) != JsonToken.START_OBJECT) {
            throw expected(path, what);
        }
    }

    void startArray(String path, String what) throws TraceFormatException {
        if (next(path) != JsonToken.START_ARRAY) {
            throw expected(path, what);
        }
    }

    /** Next field name of the open object, or null at its end. */
    String nextField(String objectPath) throws TraceFormatException {
        JsonToken t = next(objectPath);
        if (t == JsonToken.END_OBJECT) {
            return null;
        }
        if (t != JsonToken.FIELD_NAME) {
            throw expected(objectPath, "a field name");
        }
        try {
            return parser.currentName();
        } catch (IOException e) {
            throw fail(objectPath, "cannot read: " + oneLine(e.getMessage()));
        }
    }

    /** Reads the next value as an integer that satisfies {@code ok}; {@code what} says what was expected. */
    long readLong(String path, String what, LongPredicate ok) throws TraceFormatException {
        JsonToken t = next(path);
        if (t != JsonToken.VALUE_NUMBER_INT) {
            throw expected(path, what);
        }
        long v;
        try {
            v = parser.getLongValue();
        } catch (IOException e) {
            throw expected(path, what);
        }
        if (!ok.test(v)) {
            throw expected(path, what);
        }
        return v;
    }

    int readInt(String path, String what, LongPredicate ok) throws TraceFormatException {
        long v = readLong(path, what, x -> x >= Integer.MIN_VALUE && x <= Integer.MAX_VALUE && ok.test(x));
        return (int) v;
    }

    boolean readBoolean(String path) throws TraceFormatException {
        JsonToken t = next(path);
        if (t == JsonToken.VALUE_TRUE) {
            return true;
        }
        if (t == JsonToken.VALUE_FALSE) {
            return false;
        }
        throw expected(path, "true or false");
    }

    /** Reads a string; {@code shape} may be null for any non-empty string. */
    String readString(String path, String what, Pattern shape) throws TraceFormatException {
        JsonToken t = next(path);
        if (t != JsonToken.VALUE_STRING) {
            throw expected(path, what);
        }
        String s = text(path);
        if (s.isEmpty() || (shape != null && !shape.matcher(s).matches())) {
            throw expected(path, what);
        }
        return s;
    }

    /** Text of the current token (a string value or a field name). */
    String text(String path) throws TraceFormatException {
        try {
            return parser.getText();
        } catch (IOException e) {
            throw fail(path, "cannot read: " + oneLine(e.getMessage()));
        }
    }

    /** Skips the value whose first token is current. */
    void skipValue(String path) throws TraceFormatException {
        try {
            parser.skipChildren();
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation() != null ? e.getLocation() : parser.currentLocation();
            throw new TraceFormatException(file, new Place(loc.getLineNr(), loc.getColumnNr(), path),
                    "malformed JSON: " + oneLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw fail(path, "cannot read: " + oneLine(e.getMessage()));
        }
    }

    String lastPath() {
        return lastPath;
    }

    @Override
    public void close() {
        try {
            parser.close();
        } catch (IOException ignored) {
            // nothing was written; a failing close of a read-only stream loses nothing
        }
    }

    static String quote(String s) {
        String shown = s.length() > 60 ? s.substring(0, 57) + "..." : s;
        return "\"" + shown.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r")
                .replace("\t", "\\t") + "\"";
    }

    static String oneLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int nl = message.indexOf('\n');
        String line = (nl >= 0 ? message.substring(0, nl) : message);
        int source = line.indexOf(" (for root starting at [Source:");
        if (source < 0) {
            source = line.indexOf(" at [Source:");
        }
        return (source >= 0 ? line.substring(0, source) : line).trim();
    }
}
