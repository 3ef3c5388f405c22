package dev.blockstep.trace.io;

import dev.blockstep.trace.BackingLayer;
import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.JobCommand;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the format-5 section {@code job}: {@code {"execute": "block-stream", "arguments": {...}, "afterCommands":
 * N}}, the QMP command as a QMP client sends it plus when it was sent. Arguments blockstep does not model (speed,
 * on-error, filter-node-name, ...) are refused rather than ignored, so a trace never runs a job other than the one
 * it names.
 */
final class JobReader {

    /** QMP's job-id, device and node names: a letter, then letters, digits, '-', '.' and '_'. */
    private static final Pattern ID = Pattern.compile("[A-Za-z][A-Za-z0-9_.\\-]*");

    private static final Map<String, List<String>> ARGUMENTS = Map.of(
            JobCommand.BlockStream.EXECUTE, List.of("job-id", "device", "base", "backing-file"),
            JobCommand.BlockCommit.EXECUTE, List.of("job-id", "device", "top", "base", "backing-file"),
            JobCommand.BlockdevMirror.EXECUTE, List.of("job-id", "device", "target", "sync", "copy-mode",
                    "granularity"));

    /**
     * What was read, with the places the cross-checks against the image and the workload point at; {@code afterGiven}:
     * whether the object had the field afterCommands.
     */
    record Read(JobCommand job, Place afterPlace, Map<String, Place> argumentPlaces, boolean afterGiven) {
    }

    private JobReader() {
    }

    static Read read(JsonCursor c, String path, int version) throws TraceFormatException {
        c.startObject(path, "a job object");
        Place start = c.place(path);
        String execute = null;
        Place executePlace = null;
        Map<String, String> args = null;
        Map<String, Place> argPlaces = new LinkedHashMap<>();
        int after = 0;
        Place afterPlace = start;
        boolean afterGiven = false;
        SectionReaders.Image targetImage = null;
        Place targetPlace = null;
        String commands = String.join(", ", ARGUMENTS.keySet().stream().sorted().toList());
        for (String f = c.nextField(path); f != null; f = c.nextField(path)) {
            String p = path + "." + f;
            switch (f) {
                case "execute" -> {
                    executePlace = c.place(p);
                    execute = c.readString(p, "a QMP job command (" + commands + ")", null);
                    if (!ARGUMENTS.containsKey(execute)) {
                        throw c.fail(executePlace, "expected a QMP job command (" + commands + "), got "
                                + JsonCursor.quote(execute));
                    }
                }
                case "arguments" -> {
                    args = new LinkedHashMap<>();
                    c.startObject(p, "an object of QMP arguments");
                    for (String a = c.nextField(p); a != null; a = c.nextField(p)) {
                        String ap = p + "." + a;
                        argPlaces.put(a, c.place(ap));
                        args.put(a, a.equals("granularity")
                                ? Long.toString(c.readLong(ap, "a power of two from 512 to 67108864",
                                        v -> v >= 512 && v <= (64 << 20) && Long.bitCount(v) == 1))
                                : c.readString(ap, "a node or file name (a non-empty string)", null));
                    }
                }
                case "targetImage" -> {
                    targetPlace = c.place(p);
                    targetImage = SectionReaders.image(c, p, version);
                }
                case "afterCommands" -> {
                    afterPlace = c.place(p);
                    afterGiven = true;
                    after = c.readInt(p, "a number of workload commands (0 or more)", v -> v >= 0);
                }
                default -> throw c.fail(p, "unknown field \"" + f + "\" (expected execute, arguments, targetImage or "
                        + "afterCommands)");
            }
        }
        if (execute == null) {
            throw c.fail(start, "missing field \"execute\"");
        }
        if (args == null) {
            throw c.fail(start, "missing field \"arguments\"");
        }
        List<String> known = ARGUMENTS.get(execute);
        for (Map.Entry<String, Place> a : argPlaces.entrySet()) {
            if (!known.contains(a.getKey())) {
                throw c.fail(a.getValue(), "unknown " + execute + " argument \"" + a.getKey() + "\" (expected "
                        + String.join(", ", known) + ")");
            }
            boolean id = a.getKey().equals("job-id") || a.getKey().equals("device") || a.getKey().equals("target");
            if (id && !ID.matcher(args.get(a.getKey())).matches()) {
                throw c.fail(a.getValue(), "expected a QMP id (a letter, then letters, digits, '-', '.' or '_'), got "
                        + JsonCursor.quote(args.get(a.getKey())));
            }
        }
        if (!args.containsKey("device")) {
            throw c.fail(path + ".arguments", "missing " + execute + " argument \"device\"");
        }
        boolean mirror = execute.equals(JobCommand.BlockdevMirror.EXECUTE);
        if (targetImage != null && !mirror) {
            throw c.fail(targetPlace, "field \"targetImage\" belongs to blockdev-mirror, not " + execute);
        }
        JobCommand job = switch (execute) {
            case JobCommand.BlockStream.EXECUTE -> new JobCommand.BlockStream(args.get("job-id"), args.get("device"),
                    args.get("base"), args.get("backing-file"), after);
            case JobCommand.BlockCommit.EXECUTE -> new JobCommand.BlockCommit(args.get("job-id"), args.get("device"),
                    args.get("top"), args.get("base"), args.get("backing-file"), after);
            default -> mirror(c, path, start, args, argPlaces, targetImage, after);
        };
        return new Read(job, afterPlace, argPlaces, afterGiven);
    }

    private static JobCommand.BlockdevMirror mirror(JsonCursor c, String path, Place start, Map<String, String> args,
            Map<String, Place> places, SectionReaders.Image target, int after) throws TraceFormatException {
        for (String required : List.of("target", "sync")) {
            if (!args.containsKey(required)) {
                throw c.fail(path + ".arguments", "missing blockdev-mirror argument \"" + required + "\"");
            }
        }
        if (target == null) {
            throw c.fail(start, "missing field \"targetImage\" (the image blockdev-add opened as node "
                    + args.get("target") + ")");
        }
        JobCommand.Sync sync = qmpEnum(c, places.get("sync"), JobCommand.Sync.class, args.get("sync"));
        JobCommand.CopyMode mode = args.containsKey("copy-mode")
                ? qmpEnum(c, places.get("copy-mode"), JobCommand.CopyMode.class, args.get("copy-mode")) : null;
        Long granularity = args.containsKey("granularity") ? Long.valueOf(args.get("granularity")) : null;
        return new JobCommand.BlockdevMirror(args.get("job-id"), args.get("device"), args.get("target"),
                target.setup(), sync, mode, granularity, after);
    }

    private static <E extends Enum<E>> E qmpEnum(JsonCursor c, Place at, Class<E> type, String name)
            throws TraceFormatException {
        for (E e : type.getEnumConstants()) {
            if (JobCommand.qmpName(e).equals(name)) {
                return e;
            }
        }
        String names = String.join(", ", java.util.Arrays.stream(type.getEnumConstants()).map(JobCommand::qmpName)
                .toList());
        throw c.fail(at, "expected one of " + names + ", got " + JsonCursor.quote(name));
    }

    /**
     * The checks that need the image and the workload: a stream's base and a commit's top and base name backing
     * files of the image's chain, base below top (a commit without top commits the active layer), and the job
     * starts within the workload. Returns the problem and
     * where, or null.
     */
    static TraceFormatException crossCheck(JsonCursor c, Read r, ImageSetup image, long workloadLength) {
        List<String> chain = BackingLayer.below(image).stream().map(BackingLayer::name).toList();
        String names = chain.isEmpty() ? "the image has no backing file" : "the chain below the image is "
                + String.join(" -> ", chain);
        if (r.job().afterCommands() > workloadLength) {
            return c.fail(r.afterPlace(), "expected a number of workload commands in 0.." + workloadLength
                    + " (the workload has " + workloadLength + "), got " + r.job().afterCommands());
        }
        if (r.job() instanceof JobCommand.BlockStream s) {
            if (chain.isEmpty()) {
                return c.fail(r.argumentPlaces().get("device"), "block-stream needs an image with a backing file; "
                        + names);
            }
            if (s.base() != null && !chain.contains(s.base())) {
                return c.fail(r.argumentPlaces().get("base"), "expected a backing file of the chain (" + names
                        + "), got " + JsonCursor.quote(s.base()));
            }
        } else if (r.job() instanceof JobCommand.BlockCommit m) {
            if (m.top() == null) {
                // no top: qemu commits the active layer (commit_active_start)
                if (chain.isEmpty()) {
                    return c.fail(r.argumentPlaces().get("device"), "block-commit needs an image with a backing file; "
                            + names);
                }
                if (m.backingFile() != null) {
                    // qemu 7.2's qmp_block_commit refuses it the same way
                    return c.fail(r.argumentPlaces().get("backing-file"), "'backing-file' specified, but 'top' is the"
                            + " active layer (no top given)");
                }
                if (m.base() != null && !chain.contains(m.base())) {
                    return c.fail(r.argumentPlaces().get("base"), "expected a backing file of the chain (" + names
                            + "), got " + JsonCursor.quote(m.base()));
                }
                return null;
            }
            int top = chain.indexOf(m.top());
            if (top < 0) {
                return c.fail(r.argumentPlaces().get("top"), "expected a backing file of the chain (" + names
                        + "), got " + JsonCursor.quote(m.top()));
            }
            if (top + 1 >= chain.size()) {
                return c.fail(r.argumentPlaces().get("top"), "expected a top with an image below it to commit into ("
                        + names + "), got " + JsonCursor.quote(m.top()));
            }
            if (m.base() != null && chain.indexOf(m.base()) <= top) {
                return c.fail(r.argumentPlaces().get("base"), "expected a backing file below top " + m.top() + " ("
                        + names + "), got " + JsonCursor.quote(m.base()));
            }
        }
        return null;
    }
}
