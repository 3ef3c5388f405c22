package dev.blockstep.trace.io;

import dev.blockstep.trace.NodeOptions;
import dev.blockstep.trace.WorkloadProducer;
import dev.blockstep.trace.WorkloadProducer.Tool;
import java.util.Arrays;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Readers for the format-2 sections {@code producer} and {@code node}. */
final class ProducerReaders {

    private static final Pattern DRIVE_ID = Pattern.compile("[A-Za-z][A-Za-z0-9_.\\-]*");

    private ProducerReaders() {
    }

    static WorkloadProducer producer(JsonCursor c, String path) throws TraceFormatException {
        c.startObject(path, "a producer object");
        Place start = c.place(path);
        Tool tool = null;
        Integer clients = null;
        Place clientsPlace = null;
        String drive = null;
        Place drivePlace = null;
        String tools = Arrays.stream(Tool.values()).map(Tool::jsonName).collect(Collectors.joining(", "));
        for (String f = c.nextField(path); f != null; f = c.nextField(path)) {
            String p = path + "." + f;
            switch (f) {
                case "tool" -> {
                    Place at = c.place(p);
                    String name = c.readString(p, "one of " + tools, null);
                    tool = Tool.fromJson(name);
                    if (tool == null) {
                        throw c.fail(at, "expected one of " + tools + ", got " + JsonCursor.quote(name));
                    }
                }
                case "clients" -> {
                    clientsPlace = c.place(p);
                    clients = c.readInt(p, "a number of clients from 1 to 64", v -> v >= 1 && v <= 64);
                }
                case "drive" -> {
                    drivePlace = c.place(p);
                    drive = c.readString(p, "a -drive id", DRIVE_ID);
                }
                default -> throw c.fail(p, "unknown field \"" + f + "\" (expected tool, clients or drive)");
            }
        }
        if (tool == null) {
            throw c.fail(start, "missing field \"tool\"");
        }
        int n = clients == null ? 1 : clients;
        String problem = WorkloadProducer.problem(tool, n, drive);
        if (problem != null) {
            throw c.fail(drive != null && WorkloadProducer.problem(tool, n, null) == null ? drivePlace : clientsPlace,
                    problem);
        }
        return new WorkloadProducer(tool, n, drive);
    }

    static NodeOptions node(JsonCursor c, String path) throws TraceFormatException {
        c.startObject(path, "a node options object");
        NodeOptions.Discard discard = null;
        NodeOptions.DetectZeroes detectZeroes = null;
        NodeOptions.Cache cache = null;
        for (String f = c.nextField(path); f != null; f = c.nextField(path)) {
            String p = path + "." + f;
            switch (f) {
                case "discard" -> discard = option(c, p, NodeOptions.Discard.class);
                case "detectZeroes" -> detectZeroes = option(c, p, NodeOptions.DetectZeroes.class);
                case "cache" -> cache = option(c, p, NodeOptions.Cache.class);
                default -> throw c.fail(p, "unknown field \"" + f + "\" (expected discard, detectZeroes or cache)");
            }
        }
        return new NodeOptions(discard, detectZeroes, cache);
    }

    private static <E extends Enum<E>> E option(JsonCursor c, String p, Class<E> type) throws TraceFormatException {
        String names = NodeOptions.choices(type);
        Place at = c.place(p);
        String name = c.readString(p, "one of " + names, null);
        E value = NodeOptions.fromJson(type, name);
        if (value == null) {
            throw c.fail(at, "expected one of " + names + ", got " + JsonCursor.quote(name));
        }
        return value;
    }
}
