package dev.blockstep.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.testing.Qemu;
import dev.blockstep.trace.BackingLayer;
import dev.blockstep.trace.JobCommand;
import dev.blockstep.trace.Trace;
import dev.blockstep.trace.WorkloadProducer;
import dev.blockstep.trace.io.TraceReader;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * import-qemu-log on a qemu-system log of a block job beside HMP guest I/O: --base takes the chain its header names,
 * the trace names the job, and run on the imported trace leaves the top real qemu left, byte for byte.
 */
class ImportJobLogCommandTest {

    static final Path CAPTURES = Path.of("../samples/src/main/resources/captures");

    private static void unpack(Path capture, String file, Path to) throws Exception {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(capture.resolve(file + ".gz")))) {
            Files.write(to, in.readAllBytes());
        }
    }

    @Test
    void aCommitCaptureImportsWithItsChainAndRunsToTheRealTop(@TempDir Path tmp) throws Exception {
        Path capture = CAPTURES.resolve("commit-hmp-a");
        for (String image : new String[] {"top", "mid", "base"}) {
            unpack(capture, image + ".qcow2", tmp.resolve(image + ".qcow2"));
        }
        Path trace = tmp.resolve("t.json");
        ImportCommandsTest.Run r = ImportCommandsTest.run("import-qemu-log", capture.resolve("trace.log").toString(),
                "--script", capture.resolve("workload.txt").toString(), "--base", tmp.resolve("top.qcow2").toString(),
                "--producer", "hmp-qemu-io", "--drive", "d0", "--discard", "unmap", "--engine-schedule",
                "-o", trace.toString());
        assertEquals(0, r.exit(), r.err());
        Trace t = TraceReader.read(trace);
        assertEquals(new JobCommand.BlockCommit(null, "d0", "mid.qcow2", "base.qcow2", null, 1), t.job());
        assertEquals(java.util.List.of("mid.qcow2", "base.qcow2"),
                BackingLayer.below(t.image()).stream().map(BackingLayer::name).toList());
        Path out = tmp.resolve("out.qcow2");
        ImportCommandsTest.Run run = ImportCommandsTest.run("run", "--image-out", out.toString(), trace.toString());
        assertEquals(0, run.exit(), run.err());
        unpack(capture, "final-top.qcow2", tmp.resolve("real-top.qcow2"));
        assertArrayEquals(Files.readAllBytes(tmp.resolve("real-top.qcow2")), Files.readAllBytes(out));
    }

    /** The QMP command capture.json records for a mirror or active-commit capture, with the target qemu-img made. */
    static String statedJob(String capture) {
        if (capture.startsWith("active-commit")) {
            return "{\"execute\": \"block-commit\", \"arguments\": {\"job-id\": \"job0\", \"device\": \"d0\", "
                    + "\"base\": \"mid.qcow2\"}}";
        }
        return "{\"execute\": \"blockdev-mirror\", \"arguments\": {\"job-id\": \"job0\", \"device\": \"d0\", "
                + "\"target\": \"tgt\", \"sync\": \"full\", \"copy-mode\": \""
                + (capture.startsWith("mirror-blocking") ? "write-blocking" : "background") + "\"}, "
                + "\"targetImage\": {\"virtualSize\": 262144, \"clusterSize\": 65536}}";
    }

    private static Path unpackChain(Path capture, Path dir) throws Exception {
        for (String image : new String[] {"top", "mid", "base"}) {
            unpack(capture, image + ".qcow2", dir.resolve(image + ".qcow2"));
        }
        return dir.resolve("top.qcow2");
    }

    private static String[] importArgs(Path capture, Path top, Path trace, String... more) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("import-qemu-log",
                capture.resolve("trace.log").toString(), "--script", capture.resolve("workload.txt").toString(),
                "--base", top.toString(), "--producer", "hmp-qemu-io", "--drive", "d0", "--discard", "unmap",
                "-o", trace.toString()));
        args.addAll(java.util.List.of(more));
        return args.toArray(String[]::new);
    }

    /**
     * Every mirror and active-commit capture, imported with --job as capture.json records the command and with the
     * log's order as the engine's schedule, runs to an image whose real qemu-img check prints what it printed for the
     * top real qemu left, and to the target real qemu left where the replay agrees.
     */
    @ParameterizedTest
    @ValueSource(strings = {"mirror-hmp-a", "mirror-hmp-b", "mirror-blocking-hmp-a", "mirror-blocking-hmp-b",
        "active-commit-hmp-a", "active-commit-hmp-b"})
    void aMirrorCaptureImportsWithItsStatedJobAndRunsToTheRealCheck(String name, @TempDir Path tmp) throws Exception {
        Path capture = CAPTURES.resolve(name);
        Path top = unpackChain(capture, tmp);
        Path trace = tmp.resolve("t.json");
        ImportCommandsTest.Run r = ImportCommandsTest.run(importArgs(capture, top, trace, "--job", statedJob(name),
                "--engine-schedule"));
        assertEquals(0, r.exit(), r.err());
        Trace t = TraceReader.read(trace);
        assertEquals(name.startsWith("active-commit") ? "block-commit" : "blockdev-mirror", t.job().execute());
        Path out = tmp.resolve("out.qcow2");
        ImportCommandsTest.Run run = ImportCommandsTest.run("run", "--image-out", out.toString(), trace.toString());
        assertEquals(0, run.exit(), run.err());
        Qemu.Result check = Qemu.img("check", out.toString());
        assertEquals(Files.readString(capture.resolve("check.stdout")), check.stdout(), name);
        assertEquals(Files.readString(capture.resolve("check.stderr")), check.stderr(), name);
        assertEquals(Integer.parseInt(Files.readString(capture.resolve("check.exit")).strip()), check.exitCode(), name);
        if (TARGET_AGREES.contains(name)) {
            unpack(capture, "final-target.qcow2", tmp.resolve("real-target.qcow2"));
            assertArrayEquals(Files.readAllBytes(tmp.resolve("real-target.qcow2")),
                    Files.readAllBytes(tmp.resolve("out.tgt.qcow2")), name + ": the mirror's target");
        }
    }

    /**
     * The captures whose replayed target is the one real qemu left, byte for byte (CaptureReplayTest's gap list says
     * why the others are not yet).
     */
    static final java.util.Set<String> TARGET_AGREES = java.util.Set.of("mirror-blocking-hmp-a",
            "mirror-blocking-hmp-b");

    @Test
    void theJobCanComeFromAFile(@TempDir Path tmp) throws Exception {
        Path capture = CAPTURES.resolve("mirror-blocking-hmp-a");
        Path top = unpackChain(capture, tmp);
        Path job = Files.writeString(tmp.resolve("job.json"), statedJob("mirror-blocking-hmp-a"));
        Path trace = tmp.resolve("t.json");
        ImportCommandsTest.Run r = ImportCommandsTest.run(importArgs(capture, top, trace, "--job", job.toString()));
        assertEquals(0, r.exit(), r.err());
        assertEquals(new JobCommand.BlockdevMirror("job0", "d0", "tgt",
                new dev.blockstep.trace.ImageSetup.Fresh(262144, 65536, java.util.List.of()), JobCommand.Sync.FULL,
                JobCommand.CopyMode.WRITE_BLOCKING, null, 1), TraceReader.read(trace).job());
    }

    /**
     * A log that shows a block job and neither NBD negotiation nor qemu-io output comes from qemu-system: without
     * --producer the import takes HMP qemu-io on the stated job's drive, and the replay ends with the real target.
     */
    @Test
    void aJobLogWithoutProducerIsHmpQemuIoOnTheStatedJobsDrive(@TempDir Path tmp) throws Exception {
        Path capture = CAPTURES.resolve("mirror-blocking-hmp-a");
        Path top = unpackChain(capture, tmp);
        Path trace = tmp.resolve("t.json");
        ImportCommandsTest.Run r = ImportCommandsTest.run("import-qemu-log", capture.resolve("trace.log").toString(),
                "--script", capture.resolve("workload.txt").toString(), "--base", top.toString(), "--job",
                statedJob("mirror-blocking-hmp-a"), "--engine-schedule", "-o", trace.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals(new WorkloadProducer(WorkloadProducer.Tool.HMP_QEMU_IO, 1, "d0"), TraceReader.read(trace)
                .producer());
        Path out = tmp.resolve("out.qcow2");
        assertEquals(0, ImportCommandsTest.run("run", "--image-out", out.toString(), trace.toString()).exit());
        unpack(capture, "final-target.qcow2", tmp.resolve("real-target.qcow2"));
        assertArrayEquals(Files.readAllBytes(tmp.resolve("real-target.qcow2")),
                Files.readAllBytes(tmp.resolve("out.tgt.qcow2")));
    }

    @Test
    void aMirrorLogWithoutJobIsOneLine(@TempDir Path tmp) throws Exception {
        Path capture = CAPTURES.resolve("mirror-hmp-a");
        ImportCommandsTest.Run r = ImportCommandsTest.run(importArgs(capture, unpackChain(capture, tmp),
                tmp.resolve("t.json")));
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("blockstep: trace.log:") && r.err().contains("expected the job's QMP command")
                && r.err().indexOf('\n') == r.err().length() - 1, r.err());
    }

    @Test
    void aJobStatedForALogWithoutOneIsOneLine(@TempDir Path tmp) throws Exception {
        Path capture = CAPTURES.resolve("hmp-ignore-a");
        unpack(capture, "base.qcow2", tmp.resolve("base.qcow2"));
        ImportCommandsTest.Run r = ImportCommandsTest.run("import-qemu-log", capture.resolve("trace.log").toString(),
                "--base", tmp.resolve("base.qcow2").toString(), "--job", statedJob("mirror-hmp-a"), "-o",
                tmp.resolve("t.json").toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().matches("blockstep: trace\\.log:[0-9]+: expected the start of the stated blockdev-mirror "
                + "\\(stream_start, commit_start or mirror_start\\), found no block job in the log: capture with "
                + "-trace 'stream_\\*' -trace 'commit_\\*' -trace 'mirror_\\*' -trace 'job_\\*'\n"), r.err());
    }

    /** Bad --job values: each is one line naming where and what was expected. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"execute\": \"blockdev-mirror\", \"arguments\": {\"device\": \"d0\", \"target\": \"tgt\", "
            + "\"sync\": \"fast\"}, \"targetImage\": {\"virtualSize\": 262144, \"clusterSize\": 65536}}"
            + "|blockstep: --job:1:79: $.arguments.sync: expected one of full, top, none, got \"fast\"",
        "{\"execute\": \"blockdev-mirror\", \"arguments\": {\"device\": \"d0\", \"target\": \"tgt\", "
            + "\"sync\": \"full\"}}"
            + "|blockstep: --job:1:1: $: missing field \"targetImage\" (the image blockdev-add opened as node tgt)",
        "{\"execute\": \"block-commit\", \"arguments\": {\"device\": \"d0\", \"speed\": \"1\"}}"
            + "|blockstep: --job:1:59: $.arguments.speed: unknown block-commit argument \"speed\" (expected job-id, "
            + "device, top, base, backing-file)",
        "{\"execute\": \"block-commit\", \"arguments\": {\"device\": \"d0\", \"base\": \"nope.qcow2\"}}"
            + "|blockstep: --job:1:59: $.arguments.base: expected a backing file of the chain (the chain below the "
            + "image is mid.qcow2 -> base.qcow2), got \"nope.qcow2\"",
        "{\"execute\": \"block-commit\", \"arguments\": {\"device\": \"d0\"}, \"afterCommands\": 1}"
            + "|blockstep: --job:1:60: $.afterCommands: field \"afterCommands\" does not belong to a stated job (the "
            + "log shows when it started)",
        "{\"execute\": \"block-commit\"|blockstep: --job:1:27: $: malformed JSON: Unexpected end-of-input: expected "
            + "close marker for Object (start marker",
        "nope.json|blockstep: --job nope.json: no such file (expected a file or the job's QMP command as JSON)"})
    void aBadJobIsOneLine(String job, String expected, @TempDir Path tmp) throws Exception {
        Path capture = CAPTURES.resolve("active-commit-hmp-a");
        ImportCommandsTest.Run r = ImportCommandsTest.run(importArgs(capture, unpackChain(capture, tmp),
                tmp.resolve("t.json"), "--job", job));
        assertEquals(1, r.exit());
        assertEquals(expected + "\n", r.err());
    }

    @Test
    void aBackingFileOutsideTheTracesDirectoryIsOneLine(@TempDir Path tmp) throws Exception {
        Path capture = CAPTURES.resolve("commit-hmp-a");
        Path traces = Files.createDirectory(tmp.resolve("traces"));
        unpack(capture, "top.qcow2", traces.resolve("top.qcow2"));
        unpack(capture, "mid.qcow2", tmp.resolve("mid.qcow2"));
        Files.createSymbolicLink(traces.resolve("mid.qcow2"), tmp.resolve("mid.qcow2"));
        ImportCommandsTest.Run r = ImportCommandsTest.run("import-qemu-log", capture.resolve("trace.log").toString(),
                "--base", traces.resolve("top.qcow2").toString(), "-o", traces.resolve("t.json").toString());
        assertEquals(1, r.exit());
        assertEquals("blockstep: " + traces.resolve("top.qcow2") + "'s backing file mid.qcow2: expected an image in "
                + "the trace's directory " + traces.toRealPath() + ", got " + tmp.resolve("mid.qcow2").toRealPath()
                + "\n", r.err());
    }
}
