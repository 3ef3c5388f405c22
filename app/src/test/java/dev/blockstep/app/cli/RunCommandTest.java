package dev.blockstep.app.cli;

import static dev.blockstep.app.cli.CheckCommandTest.blockstep;
import static dev.blockstep.app.cli.CheckCommandTest.qemuImg;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.app.cli.CheckCommandTest.Run;
import dev.blockstep.samples.Samples;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code blockstep run} in-process through Main.run; the images it writes are checked by the real qemu-img. */
class RunCommandTest {

    @TempDir
    Path dir;

    private Path sample(String name) throws Exception {
        Path p = dir.resolve(name + ".json");
        try (InputStream in = Samples.class.getResourceAsStream(Samples.resource(name))) {
            Files.copy(in, p);
        }
        return p;
    }

    private static String sha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }

    private static int lineCount(String s) {
        return s.isEmpty() ? 0 : s.split("\n").length;
    }

    @Test
    void runPrintsWhatRealQemuImgCheckPrintsForTheImageItWrites() throws Exception {
        Path trace = sample("minimal-race");
        Path out = dir.resolve("out.qcow2");
        Run ours = blockstep("run", "--image-out", out.toString(), trace.toString());
        Run real = qemuImg("check", out.toString());
        assertEquals(2, real.exitCode(), real.stderr());
        assertEquals(real.exitCode(), ours.exitCode());
        assertEquals(real.stdout(), ours.stdout());
        assertEquals(real.stderr(), ours.stderr());
    }

    /** Runs the sample with --image-out STEM.qcow2 in the test's directory; the run must exit 0. */
    private Run runSample(String name, String stem) throws Exception {
        Run ours = blockstep("run", "--image-out", dir.resolve(stem + ".qcow2").toString(), sample(name).toString());
        assertEquals(0, ours.exitCode(), ours.stderr());
        return ours;
    }

    @Test
    void runStartsTheTracesBlockJob() throws Exception {
        Run ours = runSample("block-stream-discard", "stream");
        Path out = dir.resolve("stream.qcow2");
        // the stream ran: the top it wrote names no backing file, so qemu-img opens it alone
        Run info = qemuImg("info", out.toString());
        assertEquals(0, info.exitCode(), info.stderr());
        assertFalse(info.stdout().contains("backing file"), info.stdout());
        Run real = qemuImg("check", out.toString());
        assertEquals(real.stdout(), ours.stdout());
    }

    /** A commit writes the base and a mirror its target: --image-out writes them beside the guest's image. */
    @Test
    void imageOutWritesEveryImageTheTracesJobWrote() throws Exception {
        runSample("block-commit-discard", "commit");
        Path base = dir.resolve("commit.base.qcow2");
        assertEquals(0, qemuImg("check", base.toString()).exitCode());
        // the committed base: 0x11 over [0, 128k) with mid's 0x33 at [64k, 68k)
        dev.blockstep.engine.testing.Qemu.Result read = dev.blockstep.engine.testing.Qemu.io("-f", "qcow2", "-c",
                "read -P 0x11 0 64k", "-c", "read -P 0x33 64k 4k", "-c", "read -P 0x11 68k 60k", base.toString());
        assertEquals(0, read.exitCode(), read.stdout() + read.stderr());
        assertFalse(read.stdout().contains("Pattern verification failed"), read.stdout());

        runSample("blockdev-mirror-discard", "mirror");
        assertEquals(0, qemuImg("check", dir.resolve("mirror.tgt.qcow2").toString()).exitCode());
    }

    @Test
    void imageOutRefusesAJobImagePathThatNamesAnInput() throws Exception {
        Path trace = Files.copy(sample("block-commit-discard"), dir.resolve("o.base.qcow2"));
        Run ours = blockstep("run", "--image-out", dir.resolve("o.qcow2").toString(), trace.toString());
        assertEquals(1, ours.exitCode());
        assertTrue(ours.stderr().contains("--image-out names the input"), ours.stderr());
        assertEquals(1, lineCount(ours.stderr()), ours.stderr());
        assertFalse(Files.exists(dir.resolve("o.qcow2")), "nothing is written when a path is refused");
    }

    @Test
    void jsonOutputIsQemuImgsJsonForTheSameFile() throws Exception {
        Path trace = sample("subcluster-race");
        Path out = dir.resolve("job.qcow2");
        Run ours = blockstep("run", "--json", "--image-out", out.toString(), trace.toString());
        Run real = qemuImg("check", "--output=json", out.toString());
        assertEquals(real.exitCode(), ours.exitCode());
        assertEquals(real.stdout(), ours.stdout());
    }

    @Test
    void theEnginesStderrLinesComeBeforeTheCheckLines() throws Exception {
        Path trace = sample("upstream-regression-z");
        Path out = dir.resolve("z.qcow2");
        Run ours = blockstep("run", "--image-out", out.toString(), trace.toString());
        Run real = qemuImg("check", out.toString());
        assertEquals(2, ours.exitCode());
        // 73 is the engine's own count for this recorded run (the sample's description; SampleDescriptionsHoldTest)
        String expectedErr = "qcow2_free_clusters failed: Invalid argument\n".repeat(73) + real.stderr();
        assertEquals(expectedErr, ours.stderr());
        assertEquals(real.stdout(), ours.stdout());
    }

    @Test
    void fixTurnsACorruptingSampleClean() throws Exception {
        Path trace = sample("minimal-race");
        Path out = dir.resolve("fixed.qcow2");
        Run ours = blockstep("run", "--fix", "--image-out", out.toString(), trace.toString());
        Run real = qemuImg("check", out.toString());
        assertEquals(0, real.exitCode(), real.stdout());
        assertEquals(0, ours.exitCode(), ours.stderr());
        assertEquals(real.stdout(), ours.stdout());
    }

    @Test
    void theSameSeedGivesTheSameImageAndTheTraceIsNeverChanged() throws Exception {
        Path trace = sample("guest-only");
        String before = sha256(trace);
        Path a = dir.resolve("a.qcow2");
        Path b = dir.resolve("b.qcow2");
        assertEquals(0, blockstep("run", "--seed", "17", "--image-out", a.toString(), trace.toString()).exitCode());
        assertEquals(0, blockstep("run", "--seed", "17", "--image-out", b.toString(), trace.toString()).exitCode());
        assertEquals(sha256(a), sha256(b));
        assertEquals(before, sha256(trace));
    }

    @Test
    void aMalformedTraceIsOneLineNamingFileLineColumnAndPath() throws Exception {
        Path trace = dir.resolve("bad.json");
        Files.writeString(trace, "{\"formatVersion\": 1,\n \"image\": {\"virtualSize\": 1048576, \"clusterSize\": 65536},\n"
                + " \"workload\": [{\"op\": \"write\", \"co\": \"w0\", \"offset\": -4, \"bytes\": 512}]}\n",
                StandardCharsets.UTF_8);
        Run r = blockstep("run", trace.toString());
        assertEquals(1, r.exitCode());
        assertEquals("", r.stdout());
        assertEquals(1, lineCount(r.stderr()), r.stderr());
        assertTrue(r.stderr().startsWith("blockstep run: bad.json:3:53: "), r.stderr());
        assertTrue(r.stderr().contains("$.workload[0].offset: expected"), r.stderr());
    }

    @Test
    void aScheduleTheEngineCannotFollowStopsWithOneLineNamingTheStep() throws Exception {
        Path trace = sample("minimal-race");
        String text = Files.readString(trace);
        // Step 5 recorded main issuing Z2 while W1 could also run; claim main was alone instead.
        String edited = text.replaceFirst("\"main of main,W1 : aio_write\"", "\"main : aio_write\"");
        assertFalse(text.equals(edited), "the sample changed; pick another step to edit");
        Files.writeString(trace, edited);
        Run r = blockstep("run", trace.toString());
        assertEquals(1, r.exitCode());
        assertEquals(1, lineCount(r.stderr()), r.stderr());
        assertTrue(r.stderr().startsWith("blockstep run: minimal-race.json: step 5:"), r.stderr());
    }

    @Test
    void aMissingTraceAndAnImageOutOverTheTraceAreRefused() throws Exception {
        Run missing = blockstep("run", dir.resolve("nope.json").toString());
        assertEquals(1, missing.exitCode());
        assertEquals(1, lineCount(missing.stderr()), missing.stderr());
        Path trace = sample("minimal-race");
        String before = sha256(trace);
        Run over = blockstep("run", "--image-out", trace.toString(), trace.toString());
        assertEquals(1, over.exitCode());
        assertEquals(before, sha256(trace));
    }
}
