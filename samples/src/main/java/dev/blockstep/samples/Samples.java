package dev.blockstep.samples;

import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.Trace;
import dev.blockstep.trace.io.TraceFormatException;
import dev.blockstep.trace.io.TraceReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The shipped sample traces, on the classpath under {@value #RESOURCE_DIR}. samples/README.md says what each one
 * shows; a test in this module proves it.
 */
public final class Samples {

    /** Classpath directory of the samples: {@code RESOURCE_DIR + name + ".json"}. */
    public static final String RESOURCE_DIR = "/samples/";

    /** The sample the app opens by default. */
    public static final String DEFAULT = "minimal-race";

    /** Every sample, in the order samples/README.md lists them. */
    public static final List<String> NAMES = List.of("minimal-race", "minimal-race-fixed", "upstream-regression",
            "upstream-regression-z", "block-stream-discard", "block-commit-discard", "blockdev-mirror-discard", "guest-only", "captured-qemu", "nbd-zero-race",
            "detect-zeroes-race", "subcluster-race", "dirty-lazy-refcounts");

    private Samples() {
    }

    /** Classpath resource path of a sample's trace, e.g. {@code /samples/minimal-race.json}. */
    public static String resource(String name) {
        return RESOURCE_DIR + name + ".json";
    }

    /**
     * The directory a sample's trace is replayed in: {@code "."} when its images are made fresh, else a private
     * directory holding a copy of each base image it names (they sit beside the trace on the classpath, and a
     * replay reads them as files). Made once per sample and run, and deleted when the JVM exits.
     */
    public static synchronized Path directory(String name) throws IOException, TraceFormatException {
        Path made = DIRECTORIES.get(name);
        if (made != null) {
            return made;
        }
        List<String> bases = baseImages(open(name).image());
        if (bases.isEmpty()) {
            return Path.of(".");
        }
        Path dir = Files.createTempDirectory("blockstep-sample-" + name);
        dir.toFile().deleteOnExit();
        copyBaseImages(name, dir);
        DIRECTORIES.put(name, dir);
        return dir;
    }

    /** Copies the base images a sample's trace names into {@code dir}, as they would sit beside the trace file. */
    public static void copyBaseImages(String name, Path dir) throws IOException, TraceFormatException {
        for (String base : baseImages(open(name).image())) {
            Path to = dir.resolve(base);
            try (InputStream in = Samples.class.getResourceAsStream(RESOURCE_DIR + base)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE_DIR + base + ", a base image of sample " + name
                            + ", is missing from the classpath");
                }
                Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
            }
            to.toFile().deleteOnExit();
        }
    }

    private static final Map<String, Path> DIRECTORIES = new HashMap<>();

    /** The base files an image and the chain below it name, top first. */
    private static List<String> baseImages(ImageSetup image) {
        List<String> files = new ArrayList<>();
        for (ImageSetup i = image; i != null; i = i.backing() == null ? null : i.backing().image()) {
            if (i instanceof ImageSetup.Base b) {
                files.add(b.path());
            }
        }
        return files;
    }

    /** Reads a sample's trace; its file name in error messages is {@code NAME.json}. */
    public static Trace open(String name) throws TraceFormatException {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("no sample called " + name + "; the samples are " + NAMES);
        }
        try (InputStream in = Samples.class.getResourceAsStream(resource(name))) {
            if (in == null) {
                throw new IllegalStateException(resource(name) + " is missing from the classpath");
            }
            return TraceReader.read(in, name + ".json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
