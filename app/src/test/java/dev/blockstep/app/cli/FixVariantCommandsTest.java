package dev.blockstep.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.trace.io.TraceReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --fix=VARIANT, verify --fix-variants and verify --matrix, in-process through Main.run. */
class FixVariantCommandsTest {
    private static final String IMAGE = "\"image\": {\"virtualSize\": 16777216, \"clusterSize\": 65536, \"setup\": ["
            + "{\"op\": \"write\", \"offset\": 0, \"bytes\": 65536, \"pattern\": 17},"
            + "{\"op\": \"write\", \"offset\": 0, \"bytes\": 65536, \"zero\": true}]}";

    @TempDir
    Path dir;

    /** minimal-race: qemu-io's aio_write and aio_write -z -u on one ZERO_ALLOC cluster. */
    private Path minimalRace() throws Exception {
        Path p = dir.resolve("minimal-race.json");
        Files.writeString(p, "{\"formatVersion\": 1, " + IMAGE + ", \"workload\": ["
                + "{\"op\": \"aio_write\", \"co\": \"W1\", \"offset\": 0, \"bytes\": 65536, \"pattern\": 34},"
                + "{\"op\": \"aio_write\", \"co\": \"Z2\", \"offset\": 0, \"bytes\": 65536, \"zero\": true, "
                + "\"unmap\": true}, {\"op\": \"aio_flush\"}]}");
        return p;
    }

    private static CheckCommandTest.Run verify(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "verify";
        System.arraycopy(args, 0, all, 1, args.length);
        return CheckCommandTest.blockstep(all);
    }

    @Test
    void noneAndWrapperCorruptMinimalRaceAndPatchVerifiesItCleanEachExhaustively() throws Exception {
        String s = minimalRace().toString();
        for (String v : List.of("none", "wrapper")) {
            var r = verify("--fix=" + v, s);
            assertEquals(2, r.exitCode(), v + ": " + r.stdout() + r.stderr());
            assertTrue(r.stdout().contains("\"fix\": \"" + v + "\", \"reduction\": true, \"complete\": true"),
                    r.stdout());
        }
        var patch = verify("--fix=patch", s);
        assertEquals(0, patch.exitCode(), patch.stdout() + patch.stderr());
        assertTrue(patch.stdout().contains("\"fix\": \"patch\", \"reduction\": true, \"complete\": true"),
                patch.stdout());
    }

    @Test
    void bareFixIsPatchAndLeavesTheScenarioPositional() throws Exception {
        var r = verify("--fix", minimalRace().toString());
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stdout().contains("\"fix\": \"patch\""), r.stdout());
    }

    @Test
    void anUnknownVariantIsOneLineListingTheValidNames() throws Exception {
        var r = verify("--fix=serialise-all", minimalRace().toString());
        assertEquals(1, r.exitCode());
        assertEquals("blockstep: --fix: unknown fix variant 'serialise-all': expected one of none, patch, wrapper, "
                + "unmap-only, patch+post-detect-zeroes\n", r.stderr());
    }

    @Test
    void fixVariantsListsEachNameWithOneLineSayingWhereItsGateSits() {
        var r = verify("--fix-variants");
        assertEquals(0, r.exitCode(), r.stderr());
        List<String> lines = r.stdout().lines().toList();
        assertEquals(List.of("none", "patch", "wrapper", "unmap-only", "patch+post-detect-zeroes"),
                lines.stream().map(l -> l.split("\t")[0]).toList());
        assertTrue(lines.get(2).contains("bdrv_co_pwrite_zeroes"), lines.get(2));
    }

    @Test
    void theMatrixGivesEachVariantItsVerdictAndSavesEachCounterexampleUnderO() throws Exception {
        Path s = minimalRace();
        Path out = Files.createDirectory(dir.resolve("out"));
        var r = verify("--matrix", "-o", out.toString(), s.toString());
        assertEquals(0, r.exitCode(), r.stderr());
        List<String> lines = r.stdout().lines().toList();
        assertEquals(List.of(s.toString(), "corrupts", "clean", "corrupts", "clean", "clean"),
                List.of(lines.get(1).split(" +")));
        assertTrue(lines.contains(s + " under none: ERROR cluster 5 refcount=0 reference=1 ("
                + out.resolve("minimal-race-none-counterexample.json") + ")"), r.stdout());
        // the saved counterexample carries its variant, so run replays it under the same gates
        assertEquals("wrapper", TraceReader.read(out.resolve("minimal-race-wrapper-counterexample.json"))
                .fix().initial());
        assertTrue(Files.notExists(out.resolve("minimal-race-patch-counterexample.json")));
    }

    @Test
    void theMatrixAsJsonHasOneCellPerVariant() throws Exception {
        var r = verify("--matrix", "--json", minimalRace().toString());
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals(5, r.stdout().split("\"scenario\": ").length - 1, r.stdout());
        assertTrue(r.stdout().contains("\"fix\": \"unmap-only\", \"verdict\": \"clean\""), r.stdout());
        assertTrue(r.stdout().contains("\"fix\": \"none\", \"verdict\": \"corrupts\""), r.stdout());
    }

    @Test
    void runReplaysATraceUnderTheVariantAsked() throws Exception {
        Path out = Files.createDirectory(dir.resolve("ce"));
        verify("--matrix", "-o", out.toString(), minimalRace().toString());
        Path trace = out.resolve("minimal-race-none-counterexample.json");
        var unfixed = CheckCommandTest.blockstep("run", trace.toString());
        assertEquals(2, unfixed.exitCode(), unfixed.stdout() + unfixed.stderr());
        var fixed = CheckCommandTest.blockstep("run", "--fix=unmap-only", trace.toString());
        assertEquals(0, fixed.exitCode(), fixed.stdout() + fixed.stderr());
    }

    @Test
    void aTraceNamingAnUnknownVariantIsOneLineNamingTheFileAndTheField() throws Exception {
        Path t = dir.resolve("t.json");
        Files.writeString(t, "{\"formatVersion\": 1, " + IMAGE + ", \"workload\": [{\"op\": \"aio_flush\"}], "
                + "\"fix\": {\"initial\": \"serialise-all\"}}");
        var r = CheckCommandTest.blockstep("run", t.toString());
        assertEquals(1, r.exitCode(), r.stdout());
        assertEquals("blockstep run: t.json: fix.initial: unknown fix variant 'serialise-all': expected one of none, "
                + "patch, wrapper, unmap-only, patch+post-detect-zeroes\n", r.stderr());
    }
}
