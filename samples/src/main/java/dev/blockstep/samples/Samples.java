package dev.blockstep.samples;

import dev.blockstep.trace.Trace;
import dev.blockstep.trace.io.TraceFormatException;
import dev.blockstep.trace.io.TraceReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

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
            "detect-zeroes-race", "subcluster-race");

    private Samples() {
    }

    /** Classpath resource path of a sample's trace, e.g. {@code /samples/minimal-race.json}. */
    public static String resource(String name) {
        return RESOURCE_DIR + name + ".json";
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
