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
        if (clients != null && clients > 1 && tool != Tool.QEMU_NBD) {
            throw c.fail(clientsPlace, "expected clients 1 for " + tool.jsonName() + " (only qemu-nbd serves several "
                    + "clients), got " + clients);
        }
        if (drive != null && tool != Tool.HMP_QEMU_IO) {
            throw c.fail(drivePlace, "expected no drive for " + tool.jsonName() + " (only hmp-qemu-io names one)");
        }
        return new WorkloadProducer(tool, clients == null ? 1 : clients, drive);
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
