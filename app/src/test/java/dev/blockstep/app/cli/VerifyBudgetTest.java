package dev.blockstep.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** verify on a search it cannot finish, and where it may write counterexamples. */
class VerifyBudgetTest {
    private static final Path RANDOM_5000 = Path.of("../samples/src/main/resources/scenarios/random-5000.json");
    private static final Path MINIMAL_RACE = Path.of("../samples/src/main/resources/scenarios/minimal-race.json");

    @TempDir
    Path dir;

    @Test
    void aSearchStoppedByItsBudgetExitsThreeAndSaysItIsIncompleteWithoutAStackTrace() {
        assertTrue(Files.exists(RANDOM_5000));
        // 30,000 engine steps do not reach the end of one run of 5000 requests: no verdict can be earned.
        var r = CheckCommandTest.blockstep("verify", "--max-steps", "30000", RANDOM_5000.toString());
        assertEquals(3, r.exitCode(), r.stdout() + r.stderr());
        assertEquals("", r.stderr());
        assertTrue(r.stdout().startsWith("{\"verdict\": \"inconclusive\""), r.stdout());
        assertTrue(r.stdout().contains("\"complete\": false"), r.stdout());
        assertTrue(r.stdout().contains("\"interleavings\": 0"), r.stdout());
    }

    @Test
    void aDeepSearchRunsOnAnExplicitStack() {
        // Deeper than any Java stack a recursive search would need (tens of thousands of macro steps): the first
        // run of 5000 requests ends, and it corrupts (FIFO order corrupts after 50 requests), which is a verdict.
        var r = CheckCommandTest.blockstep("verify", "--max-steps", "150000", RANDOM_5000.toString());
        assertEquals(2, r.exitCode(), r.stdout() + r.stderr());
        assertEquals("", r.stderr());
        assertTrue(r.stdout().startsWith("{\"verdict\": \"bad\""), r.stdout());
    }

    @Test
    void counterexamplesAreWrittenOnlyWhereDashOSays() throws Exception {
        Path cwdFile = Path.of("minimal-race-counterexample.json");
        Files.deleteIfExists(cwdFile);
        var unasked = CheckCommandTest.blockstep("verify", MINIMAL_RACE.toString());
        assertEquals(2, unasked.exitCode(), unasked.stderr());
        assertFalse(Files.exists(cwdFile), "verify wrote into the working directory unasked");
        assertFalse(unasked.stdout().contains("\"trace\""), unasked.stdout());
        var asked = CheckCommandTest.blockstep("verify", "-o", dir.toString(), MINIMAL_RACE.toString());
        assertEquals(2, asked.exitCode(), asked.stderr());
        assertTrue(Files.exists(dir.resolve("minimal-race-counterexample.json")));
        assertFalse(Files.exists(cwdFile));
    }
}
