package dev.blockstep.trace.io;

import com.fasterxml.jackson.core.JsonToken;
import dev.blockstep.trace.Alignment;
import dev.blockstep.trace.Checkpoint;
import dev.blockstep.trace.Command;
import dev.blockstep.trace.FixSetting;
import dev.blockstep.trace.BackingLayer;
import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.Metadata;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Readers for the small sections of a trace: metadata, image, fix and checkpoints. */
final class SectionReaders {

    static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    static final Pattern POLICY = Pattern.compile("[a-z0-9][a-z0-9-]*");
    static final Pattern HEX64 = Pattern.compile("0x[0-9a-f]{1,16}");
    static final Pattern INDEX = Pattern.compile("0|[1-9][0-9]{0,17}");
    /** A base image path: relative, forward slashes, no "..", so it stays next to the trace. */
    static final Pattern RELATIVE_PATH = Pattern.compile("(?!.*(^|/)\\.\\.(/|$))[A-Za-z0-9_.\\-]+(/[A-Za-z0-9_.\\-]+)*");

    private SectionReaders() {
    }

    static Metadata metadata(JsonCursor c, String path) throws TraceFormatException {
        c.startObject(path, "a metadata object");
        String title = null;
        String description = null;
        String createdBy = null;
        Long seed = null;
        String policy = null;
        for (String f = c.nextField(path); f != null; f = c.nextField(path)) {
            String p = path + "." + f;
            switch (f) {
                case "title" -> title = c.readString(p, "a non-empty string", null);
                case "description" -> description = c.readString(p, "a non-empty string", null);
                case "createdBy" -> createdBy = c.readString(p, "a non-empty string", null);
                case "seed" -> seed = c.readLong(p, "an integer seed", v -> true);
                case "policy" -> policy = c.readString(p, "a policy name of lower-case letters, digits and '-'",
                        POLICY);
                default -> throw c.fail(p, "unknown field \"" + f
                        + "\" (expected title, description, createdBy, seed or policy)");
            }
        }
        return new Metadata(title, description, createdBy, seed, policy);
    }

    /** The image setup, and where its commands' ranges end, for the virtual-size check. */
    record Image(ImageSetup setup, List<CommandReader.Read> commands) {
    }

    /** @param version the file's format version: a backing chain needs 3 */
    static Image image(JsonCursor c, String path, int version) throws TraceFormatException {
        return image(c, path, version, 0);
    }

    private static Image image(JsonCursor c, String path, int version, int depth) throws TraceFormatException {
        c.startObject(path, "an image object");
        Place start = c.place(path);
        long virtualSize = -1;
        int clusterSize = -1;
        String base = null;
        String sha = null;
        BackingLayer backing = null;
        List<CommandReader.Read> setup = new ArrayList<>();
        for (String f = c.nextField(path); f != null; f = c.nextField(path)) {
            String p = path + "." + f;
            switch (f) {
                case "virtualSize" -> virtualSize = c.readLong(p, "a positive multiple of " + Alignment.SECTOR,
                        v -> v > 0 && Alignment.isSectorMultiple(v));
                case "clusterSize" -> clusterSize = c.readInt(p, "a power of two from 512 to 2097152",
                        v -> v >= 512 && v <= 2097152 && Long.bitCount(v) == 1);
                case "base" -> base = c.readString(p, "a relative path inside the trace's directory", RELATIVE_PATH);
                case "sha256" -> sha = c.readString(p, "64 lower-case hex digits", SHA256);
                case "setup" -> {
                    c.startArray(p, "an array of serial commands");
                    for (int i = 0; c.next(p) != JsonToken.END_ARRAY; i++) {
                        setup.add(CommandReader.read(c, p + "[" + i + "]", true));
                    }
                }
                case "backing" -> {
                    if (version < 3) {
                        throw c.fail(p, "field \"backing\" needs formatVersion 3, the file says " + version);
                    }
                    if (depth >= BackingLayer.MAX_DEPTH) {
                        throw c.fail(p, "expected at most " + BackingLayer.MAX_DEPTH + " images below the top");
                    }
                    backing = backing(c, p, version, depth + 1);
                }
                default -> throw c.fail(p, "unknown field \"" + f
                        + "\" (expected virtualSize and clusterSize, or base and sha256; setup; and backing)");
            }
        }
        List<Command> commands = setup.stream().map(CommandReader.Read::command).toList();
        if (base != null) {
            if (virtualSize >= 0 || clusterSize >= 0) {
                throw c.fail(start, "expected either base or virtualSize and clusterSize, got both");
            }
            return new Image(new ImageSetup.Base(base, sha, commands, backing), setup);
        }
        if (sha != null) {
            throw c.fail(start, "expected sha256 only together with base");
        }
        if (virtualSize < 0) {
            throw c.fail(start, "missing field \"virtualSize\" (or \"base\")");
        }
        if (clusterSize < 0) {
            throw c.fail(start, "missing field \"clusterSize\"");
        }
        if (depth > 0) {
            checkWithin(c, setup, virtualSize);
        }
        return new Image(new ImageSetup.Fresh(virtualSize, clusterSize, commands, backing), setup);
    }

    /** A lower image's setup commands stay inside its virtual size (the top's are checked with the workload). */
    private static void checkWithin(JsonCursor c, List<CommandReader.Read> setup, long virtualSize)
            throws TraceFormatException {
        for (CommandReader.Read r : setup) {
            if (r.end() > virtualSize) {
                throw c.fail(r.offsetPlace(), "expected offset + bytes within the virtual size " + virtualSize
                        + ", got a request ending at " + r.end());
            }
        }
    }

    /** One backing layer: the name and format the upper header stores, and the image below. */
    private static BackingLayer backing(JsonCursor c, String path, int version, int depth) throws TraceFormatException {
        c.startObject(path, "a backing object");
        Place start = c.place(path);
        String name = null;
        String format = null;
        ImageSetup image = null;
        for (String f = c.nextField(path); f != null; f = c.nextField(path)) {
            String p = path + "." + f;
            switch (f) {
                case "name" -> name = c.readString(p, "a relative file name, as the upper image's header stores it",
                        RELATIVE_PATH);
                case "format" -> format = c.readString(p, "qcow2 (the backing formats traces hold)",
                        Pattern.compile("qcow2"));
                case "image" -> image = image(c, p, version, depth).setup();
                default -> throw c.fail(p, "unknown field \"" + f + "\" (expected name, format and image)");
            }
        }
        if (name == null) {
            throw c.fail(start, "missing field \"name\"");
        }
        if (format == null) {
            throw c.fail(start, "missing field \"format\"");
        }
        if (image == null) {
            throw c.fail(start, "missing field \"image\"");
        }
        return new BackingLayer(name, format, image);
    }

    /**
     * The fix section as read; change steps are range-checked against the schedule length afterwards. Version-1
     * traces give {@code initial} as a boolean and {@code flips} as bare step indexes that toggle it.
     */
    record Fix(FixSetting setting, List<Long> steps, List<Place> places) {
    }

    static Fix fix(JsonCursor c, String path) throws TraceFormatException {
        c.startObject(path, "a fix object");
        Boolean initialOn = null;
        String initial = FixSetting.NONE;
        List<Long> steps = new ArrayList<>();
        List<String> variants = new ArrayList<>();
        List<Place> places = new ArrayList<>();
        for (String f = c.nextField(path); f != null; f = c.nextField(path)) {
            String p = path + "." + f;
            switch (f) {
                case "initial" -> {
                    if (c.next(p) == JsonToken.VALUE_TRUE || c.token() == JsonToken.VALUE_FALSE) {
                        initialOn = c.token() == JsonToken.VALUE_TRUE;
                    } else {
                        initial = variantName(c, p);
                    }
                }
                case "flips" -> {
                    c.startArray(p, "an array of step indices or {step, variant} objects");
                    for (int i = 0; c.next(p) != JsonToken.END_ARRAY; i++) {
                        String ip = p + "[" + i + "]";
                        Place at = c.place(ip);
                        long prev = steps.isEmpty() ? 0 : steps.get(steps.size() - 1);
                        String what = "a step index greater than " + prev;
                        boolean bare = c.token() != JsonToken.START_OBJECT;
                        if (!variants.isEmpty() && bare != (variants.get(0) == null)) {
                            throw c.expected(ip, "every flip in the same form (a step index, or {step, variant})");
                        }
                        long v = -1;
                        String variant = null;
                        if (bare) {
                            if (c.token() != JsonToken.VALUE_NUMBER_INT) {
                                throw c.expected(ip, what);
                            }
                            v = longValue(c, ip, what);
                        } else {
                            for (String g = c.nextField(ip); g != null; g = c.nextField(ip)) {
                                String gp = ip + "." + g;
                                switch (g) {
                                    case "step" -> {
                                        if (c.next(gp) != JsonToken.VALUE_NUMBER_INT) {
                                            throw c.expected(gp, what);
                                        }
                                        v = longValue(c, gp, what);
                                    }
                                    case "variant" -> {
                                        c.next(gp);
                                        variant = variantName(c, gp);
                                    }
                                    default -> throw c.fail(gp, "unknown field \"" + g
                                            + "\" (expected step or variant)");
                                }
                            }
                            if (v < 0 || variant == null) {
                                throw c.fail(at, "expected a flip with both step and variant");
                            }
                        }
                        if (v <= prev) {
                            throw c.fail(at, "expected " + what + (prev == 0
                                    ? " (a flip at step 0 is the initial setting)" : " (flips are strictly increasing)")
                                    + ", got " + v);
                        }
                        steps.add(v);
                        variants.add(variant);
                        places.add(at);
                    }
                }
                default -> throw c.fail(p, "unknown field \"" + f + "\" (expected initial or flips)");
            }
        }
        boolean toggles = !variants.isEmpty() && variants.get(0) == null;
        if (toggles && initialOn == null) {
            throw c.fail(places.get(0), "bare step indexes toggle a boolean fix; with a variant name as initial, "
                    + "give each flip as {\"step\": N, \"variant\": NAME}");
        }
        if (initialOn != null && !variants.isEmpty() && !toggles) {
            throw c.fail(places.get(0), "expected bare step indexes after a boolean initial, got a {step, variant}");
        }
        FixSetting setting;
        if (initialOn != null) {
            setting = FixSetting.ofToggles(initialOn, steps);
        } else {
            List<FixSetting.Change> cs = new ArrayList<>();
            for (int i = 0; i < steps.size(); i++) {
                cs.add(new FixSetting.Change(steps.get(i), variants.get(i)));
            }
            setting = new FixSetting(initial, cs);
        }
        return new Fix(setting, steps, places);
    }

    private static String variantName(JsonCursor c, String path) throws TraceFormatException {
        String what = "true, false or a fix variant name such as \"patch\"";
        if (c.token() != JsonToken.VALUE_STRING) {
            throw c.expected(path, what);
        }
        String s = c.text(path);
        if (!FixSetting.isName(s)) {
            throw c.expected(path, what);
        }
        return s;
    }

    static long longValue(JsonCursor c, String path, String what) throws TraceFormatException {
        try {
            return Long.parseLong(c.text(path));
        } catch (NumberFormatException e) {
            throw c.expected(path, what);
        }
    }

    /** Reads the checkpoint whose START_OBJECT is the current token. */
    static Checkpoint checkpoint(JsonCursor c, String path, long previousStep) throws TraceFormatException {
        if (c.token() != JsonToken.START_OBJECT) {
            throw c.expected(path, "a checkpoint object");
        }
        Place start = c.place(path);
        long step = -1;
        String sha = null;
        TreeMap<Long, Long> l2 = new TreeMap<>();
        TreeMap<Long, Integer> refcounts = new TreeMap<>();
        for (String f = c.nextField(path); f != null; f = c.nextField(path)) {
            String p = path + "." + f;
            switch (f) {
                case "step" -> step = c.readLong(p, "a step index greater than " + previousStep,
                        v -> v > previousStep);
                case "imageSha256" -> sha = c.readString(p, "64 lower-case hex digits", SHA256);
                case "l2" -> {
                    c.startObject(p, "an object of guest cluster index to L2 entry");
                    for (String k = c.nextField(p); k != null; k = c.nextField(p)) {
                        String kp = p + "." + k;
                        if (!INDEX.matcher(k).matches()) {
                            throw c.fail(kp, "expected a decimal guest cluster index as key, got " + JsonCursor.quote(k));
                        }
                        String raw = c.readString(kp, "an L2 entry as \"0x\" and up to 16 lower-case hex digits",
                                HEX64);
                        l2.put(Long.parseLong(k), Long.parseUnsignedLong(raw.substring(2), 16));
                    }
                }
                case "refcounts" -> {
                    c.startObject(p, "an object of host cluster index to refcount");
                    for (String k = c.nextField(p); k != null; k = c.nextField(p)) {
                        String kp = p + "." + k;
                        if (!INDEX.matcher(k).matches()) {
                            throw c.fail(kp, "expected a decimal host cluster index as key, got " + JsonCursor.quote(k));
                        }
                        refcounts.put(Long.parseLong(k), c.readInt(kp, "a refcount 0..65535",
                                v -> v >= 0 && v <= 65535));
                    }
                }
                default -> throw c.fail(p, "unknown field \"" + f
                        + "\" (expected step, imageSha256, l2 or refcounts)");
            }
        }
        if (step < 0) {
            throw c.fail(start, "missing field \"step\"");
        }
        if (sha == null && l2.isEmpty() && refcounts.isEmpty()) {
            throw c.fail(start, "expected at least one of imageSha256, l2, refcounts in a checkpoint");
        }
        return new Checkpoint(step, sha, l2, refcounts);
    }
}
