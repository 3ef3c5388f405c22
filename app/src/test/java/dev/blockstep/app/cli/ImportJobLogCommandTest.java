package dev.blockstep.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.blockstep.trace.BackingLayer;
import dev.blockstep.trace.JobCommand;
import dev.blockstep.trace.Trace;
import dev.blockstep.trace.io.TraceReader;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
