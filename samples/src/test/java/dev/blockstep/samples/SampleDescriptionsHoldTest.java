package dev.blockstep.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.session.EngineSession;
import dev.blockstep.engine.testing.Qemu;
import dev.blockstep.engine.trace.TraceRun;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each recorded sample, replayed step for step against its schedule and checkpoints, leaves an image on which the
 * real qemu-img check prints exactly the errors its description names, with the exit code it names, after the
 * number of steps and qcow2_free_clusters failures it names.
 */
class SampleDescriptionsHoldTest {

    static final String FREE_FAILED = "qcow2_free_clusters failed: Invalid argument";
    static final String A = "ERROR cluster 5 refcount=0 reference=1";
    static final String B = "ERROR OFLAG_COPIED data cluster: l2_entry=8000000000050000 refcount=0";

    static Stream<Arguments> samples() {
        return Stream.of(
                Arguments.of("minimal-race", 36, 0, List.of(A, B), 2, "2 errors were found on the image"),
                Arguments.of("minimal-race-fixed", 36, 0, List.of(), 0, "No errors were found on the image"),
                Arguments.of("upstream-regression", 79923, 0, List.of(), 0, "No errors were found on the image"),
                Arguments.of("upstream-regression-z", 73500, 73, List.of(A, B), 2,
                        "2 errors were found on the image"),
                Arguments.of("subcluster-race", 45, 0, List.of(A, B), 2, "2 errors were found on the image"),
                Arguments.of("block-stream-discard", 46, 0, List.of(), 0, "No errors were found on the image"),
                Arguments.of("block-commit-discard", 48, 0, List.of(), 0, "No errors were found on the image"),
                Arguments.of("blockdev-mirror-discard", 66, 0, List.of(), 0, "No errors were found on the image"),
                Arguments.of("guest-only", 608, 0, List.of(), 0, "No errors were found on the image"),
                Arguments.of("dirty-lazy-refcounts", 20, 0, List.of(), 0, "No errors were found on the image"),
                Arguments.of("nbd-zero-race", 35, 0, List.of(A, B), 2, "exits 2"),
                Arguments.of("detect-zeroes-race", 36, 0, List.of(A, B), 2, "exits 2"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void replayingTheSampleShowsWhatItsDescriptionSays(String name, int steps, int freeFailures,
            List<String> errors, int exit, String summary, @TempDir Path tmp) throws Exception {
        String description = SampleRuns.description(name);
        EngineSession s = SampleRuns.replay(name, TraceRun.Options.DEFAULT);

        assertEquals(steps, s.steps().size(), name);
        assertTrue(description.contains(steps + " steps"), description);
        List<String> engineErr = s.current().stderr();
        assertEquals(freeFailures, engineErr.stream().filter(FREE_FAILED::equals).count(), name);
        assertEquals(freeFailures, engineErr.size(), "only free failures on stderr: " + engineErr);
        if (freeFailures > 0) {
            assertTrue(description.contains(freeFailures + " qcow2_free_clusters failed"), description);
        } else {
            assertTrue(!description.contains("qcow2_free_clusters failed: Invalid argument"), description);
        }

        Qemu.Result check = SampleRuns.realCheck(s, tmp, name);
        assertEquals(exit, check.exitCode(), check.stdout() + check.stderr());
        assertEquals(errors, SampleRuns.lines(check.stderr()), name);
        assertTrue(check.stdout().contains(summary.startsWith("exits") ? "" : summary), check.stdout());
        assertTrue(description.contains(summary), description);
        for (String e : errors) {
            assertTrue(description.contains(e.replace("ERROR ", "")), description + " should name " + e);
        }
    }
}
