package dev.blockstep.trace.io;

import dev.blockstep.trace.Alignment;
import dev.blockstep.trace.Command;
import dev.blockstep.trace.Producer;
import dev.blockstep.trace.ScheduleCodec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads one workload or setup command object and checks it against its op. */
final class CommandReader {

    /** The command plus where it was, for checks that need the rest of the file (e.g. the virtual size). */
    record Read(Command command, Place start, Place offsetPlace, long end) {
    }

    private static final Map<String, List<String>> FIELDS = Map.of(
            "write", List.of("op", "co", "producer", "offset", "bytes", "pattern", "zero", "unmap", "fua"),
            "aio_write", List.of("op", "co", "producer", "offset", "bytes", "pattern", "zero", "unmap", "fua"),
            "read", List.of("op", "co", "producer", "offset", "bytes", "pattern"),
            "discard", List.of("op", "co", "producer", "offset", "bytes", "fua"),
            "flush", List.of("op", "co", "producer"),
            "aio_flush", List.of("op", "co"));

    private static final String OPS = "one of write, aio_write, read, discard, flush, aio_flush";
    private static final String PRODUCERS = "one of guest, mirror, commit, stream, backup";

    private CommandReader() {
    }

    /** Reads the command whose START_OBJECT is the current token. */
    static Read read(JsonCursor c, String path, boolean setup) throws TraceFormatException {
        if (c.token() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
            throw c.expected(path, "a command object");
        }
        Place start = c.place(path);
        Map<String, Place> seen = new HashMap<>();
        String op = null;
        String co = null;
        Producer producer = Producer.GUEST;
        long offset = -1;
        long bytes = -1;
        Integer pattern = null;
        boolean zero = false;
        boolean unmap = false;
        boolean fua = false;
        for (String f = c.nextField(path); f != null; f = c.nextField(path)) {
            String p = path + "." + f;
            switch (f) {
                case "op" -> {
                    op = c.readString(p, OPS, null);
                    if (!FIELDS.containsKey(op)) {
                        throw c.expected(p, OPS);
                    }
                }
                case "co" -> co = c.readString(p, "a coroutine name of letters, digits, '_', '.' or '-'",
                        ScheduleCodec.NAME);
                case "producer" -> {
                    producer = Producer.fromJson(c.readString(p, PRODUCERS, null));
                    if (producer == null) {
                        throw c.expected(p, PRODUCERS);
                    }
                }
                case "offset" -> offset = c.readLong(p, "a non-negative multiple of " + Alignment.SECTOR,
                        Alignment::isSectorMultiple);
                case "bytes" -> bytes = c.readLong(p, "a positive multiple of " + Alignment.SECTOR + " up to "
                        + Alignment.MAX_REQUEST_BYTES,
                        v -> v > 0 && Alignment.isSectorMultiple(v) && v <= Alignment.MAX_REQUEST_BYTES);
                case "pattern" -> pattern = c.readInt(p, "a pattern byte 0..255", v -> v >= 0 && v <= 255);
                case "zero" -> zero = c.readBoolean(p);
                case "unmap" -> unmap = c.readBoolean(p);
                case "fua" -> fua = c.readBoolean(p);
                default -> throw c.fail(p, "unknown field \"" + f + "\"");
            }
            seen.put(f, c.place(p));
        }
        if (op == null) {
            throw c.fail(start, "missing field \"op\" (" + OPS + ")");
        }
        for (Map.Entry<String, Place> e : seen.entrySet()) {
            if (!FIELDS.get(op).contains(e.getKey())) {
                throw c.fail(e.getValue(), "field \"" + e.getKey() + "\" does not apply to " + op
                        + " (expected only " + String.join(", ", FIELDS.get(op)) + ")");
            }
        }
        if (setup) {
            if (seen.containsKey("co")) {
                throw c.fail(seen.get("co"), "setup commands run serially and name no coroutine");
            }
            if (op.startsWith("aio_")) {
                throw c.fail(seen.get("op"), "expected a serial setup command (write, read, discard or flush), got "
                        + op);
            }
        } else if (co == null && !op.equals("aio_flush")) {
            throw c.fail(start, "missing field \"co\" (the name of the coroutine that runs this " + op + ")");
        }
        boolean ranged = FIELDS.get(op).contains("offset");
        if (ranged && offset < 0) {
            throw c.fail(start, "missing field \"offset\"");
        }
        if (ranged && bytes < 0) {
            throw c.fail(start, "missing field \"bytes\"");
        }
        if (ranged && offset > Long.MAX_VALUE - bytes) {
            // qemu's block layer takes offset and bytes as int64_t and refuses a sum that overflows.
            throw c.fail(seen.get("offset"), "expected offset + bytes below 2^63, got offset " + offset + " and bytes "
                    + bytes);
        }
        if (unmap && !zero) {
            throw c.fail(seen.get("unmap"), "expected unmap only together with \"zero\": true (qemu-io: -u requires -z)");
        }
        if (zero && pattern != null) {
            throw c.fail(seen.get("pattern"), "expected no pattern with \"zero\": true (qemu-io: only one of -z, -P)");
        }
        Command cmd = switch (op) {
            case "write", "aio_write" -> new Command.Write(op.equals("aio_write"), co, producer, offset, bytes,
                    pattern, zero, unmap, fua);
            case "read" -> new Command.Read(co, producer, offset, bytes, pattern);
            case "discard" -> new Command.Discard(co, producer, offset, bytes, fua);
            case "flush" -> new Command.Flush(co, producer);
            default -> new Command.AioFlush(co);
        };
        return new Read(cmd, start, seen.getOrDefault("offset", start), ranged ? offset + bytes : 0);
    }
}
