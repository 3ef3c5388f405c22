package dev.blockstep.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.trace.Trace;
import dev.blockstep.trace.io.TraceReader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** explore, verify and minimize run in-process through Main.run on small scenario files. */
class ExploreCommandsTest {
    private static final String IMAGE = "\"image\": {\"virtualSize\": 16777216, \"clusterSize\": 65536, \"setup\": ["
            + "{\"op\": \"write\", \"offset\": 0, \"bytes\": 65536, \"pattern\": 17},"
            + "{\"op\": \"write\", \"offset\": 0, \"bytes\": 65536, \"zero\": true}]}";

    @TempDir
    Path dir;

    private Path scenario(String name, boolean unmap) throws Exception {
        Path p = dir.resolve(name + ".json");
        Files.writeString(p, "{\"formatVersion\": 1, " + IMAGE + ", \"workload\": ["
                + "{\"op\": \"aio_write\", \"co\": \"W1\", \"offset\": 0, \"bytes\": 65536, \"pattern\": 34},"
                + "{\"op\": \"aio_write\", \"co\": \"Z2\", \"offset\": 0, \"bytes\": 65536, \"zero\": true"
                + (unmap ? ", \"unmap\": true" : "") + "},"
                + "{\"op\": \"aio_flush\"}]}");
        return p;
    }

    @Test
    void verifyExitsTwoWhenTheUnfixedRaceCorruptsAndZeroWhenFixed() throws Exception {
        Path s = scenario("race", true);
        var bad = CheckCommandTest.blockstep("verify", "--counterexample-dir", dir.toString(), s.toString());
        assertEquals(2, bad.exitCode(), bad.stderr());
        assertTrue(bad.stdout().startsWith("{\"verdict\": \"bad\""), bad.stdout());
        // 2: the writer's data lands before or after the zero-write's punch (same metadata; Qcow2ExplorerTest checks
        // the count against a brute-force enumeration)
        assertTrue(bad.stdout().contains("\"corruptEndStates\": 2"), bad.stdout());
        var good = CheckCommandTest.blockstep("verify", "--fix", "--counterexample-dir", dir.toString(), s.toString());
        assertEquals(0, good.exitCode(), good.stderr());
        assertTrue(good.stdout().contains("\"badInterleavings\": 0"), good.stdout());
    }

    @Test
    void aPreemptionBoundMakesVerifyInconclusiveNeverClean() throws Exception {
        Path s = scenario("race", true);
        var bounded = CheckCommandTest.blockstep("verify", "--fix", "--preemption-bound", "0", s.toString());
        assertEquals(3, bounded.exitCode(), bounded.stdout() + bounded.stderr());
        assertTrue(bounded.stdout().contains("\"complete\": false"), bounded.stdout());
        var loose = CheckCommandTest.blockstep("verify", "--fix", "--preemption-bound", "1000", s.toString());
        assertEquals(0, loose.exitCode(), loose.stdout() + loose.stderr());
        var neg = CheckCommandTest.blockstep("explore", "--exhaustive", "--preemption-bound", "-2", s.toString());
        assertEquals(1, neg.exitCode());
        assertEquals("blockstep explore: --preemption-bound: expected a number of preemptions (0 or more), got -2\n",
                neg.stderr());
    }

    @Test
    void verifyPrintsTheSameReportOnOneThreadAndOnSeveral() throws Exception {
        String a = scenario("race", true).toString();
        String b = scenario("nounmap", false).toString();
        var one = CheckCommandTest.blockstep("verify", "--threads", "1", a, b, a, a);
        var three = CheckCommandTest.blockstep("verify", "--threads", "3", a, b, a, a);
        assertEquals(2, three.exitCode(), three.stderr());
        assertEquals(withoutTimes(one.stdout()), withoutTimes(three.stdout()));
    }

    private static String withoutTimes(String json) {
        return json.replaceAll("\"(millis|statesPerSecond)\": \\d+", "");
    }

    @Test
    void verifyExitsZeroForTheHarmlessNoUnmapVariant() throws Exception {
        var r = CheckCommandTest.blockstep("verify", "--counterexample-dir", dir.toString(),
                scenario("nounmap", false).toString());
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
    }

    @Test
    void verifyRejectsAMissingScenarioInOneLine() {
        var r = CheckCommandTest.blockstep("verify", dir.resolve("nope.json").toString());
        assertEquals(1, r.exitCode());
        assertEquals("blockstep verify: " + dir.resolve("nope.json") + ": no such scenario file\n", r.stderr());
    }

    @Test
    void exploreRejectsMalformedJsonInOneLineNamingThePlace() throws Exception {
        Path p = dir.resolve("bad.json");
        Files.writeString(p, "{\"formatVersion\": 1, \"workload\": [}");
        var r = CheckCommandTest.blockstep("explore", "--exhaustive", p.toString());
        assertEquals(1, r.exitCode());
        assertEquals(1, r.stderr().lines().count(), r.stderr());
        assertTrue(r.stderr().startsWith("blockstep explore: bad.json:1:"), r.stderr());
    }

    @Test
    void exploreRejectsAnUnknownStrategy() throws Exception {
        var r = CheckCommandTest.blockstep("explore", "--random", "3", "--strategy", "dfs",
                scenario("race", true).toString());
        assertEquals(1, r.exitCode());
        assertEquals("blockstep explore: --strategy: expected uniform or pct, got \"dfs\"\n", r.stderr());
    }

    @Test
    void exploreSavesACounterexampleTraceThatReadsBackAndMinimizes() throws Exception {
        Path ce = dir.resolve("ce.json");
        var r = CheckCommandTest.blockstep("explore", "--exhaustive", "-o", ce.toString(),
                scenario("race", true).toString());
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stdout().contains("corrupt end states: 2,"), r.stdout());
        assertTrue(r.stdout().contains("ERROR cluster 5 refcount=0 reference=1"), r.stdout());
        Trace t = TraceReader.read(ce);
        assertTrue(t.schedule().size() > 10);
        assertEquals("W1", t.workload().get(0).coroutine());
        Path min = dir.resolve("min.json");
        var m = CheckCommandTest.blockstep("minimize", ce.toString(), "-o", min.toString());
        assertEquals(0, m.exitCode(), m.stderr());
        assertTrue(m.stdout().startsWith("requests: 2 -> 2"), m.stdout());
        assertEquals(3, TraceReader.read(min).workload().size());
    }

    @Test
    void exploreRandomReportsTheDetectionRate() throws Exception {
        var r = CheckCommandTest.blockstep("explore", "--random", "20", "--seed", "5", "-o",
                dir.resolve("r.json").toString(), scenario("race", true).toString());
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stdout().contains("detection rate"), r.stdout());
    }

    @Test
    void theFixedRaceHasNoCounterexample() throws Exception {
        Path ce = dir.resolve("none.json");
        var r = CheckCommandTest.blockstep("explore", "--fix", "--exhaustive", "-o", ce.toString(),
                scenario("race", true).toString());
        assertEquals(0, r.exitCode());
        assertTrue(r.stdout().matches("(?s).*bad interleavings: 0 of \\d+.*"), r.stdout());
        assertTrue(Files.notExists(ce));
    }

    @Test
    void exploreWritesACounterexampleOnlyWhereDashOSays() throws Exception {
        Path cwdFile = Path.of("race-counterexample.json");
        Files.deleteIfExists(cwdFile);
        Path sc = scenario("race", true);
        for (String mode : new String[] {"--exhaustive", "--random"}) {
            var r = mode.equals("--random") ? CheckCommandTest.blockstep("explore", mode, "20", "--seed", "5",
                    sc.toString()) : CheckCommandTest.blockstep("explore", mode, sc.toString());
            assertEquals(0, r.exitCode(), r.stderr());
            assertTrue(r.stdout().contains("counterexample trace: not saved (give -o FILE to save it)"), r.stdout());
            assertTrue(Files.notExists(cwdFile), "explore " + mode + " wrote into the working directory unasked");
            assertTrue(Files.notExists(dir.resolve("race-counterexample.json")),
                    "explore " + mode + " wrote beside the scenario unasked");
        }
    }
}
