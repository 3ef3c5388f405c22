package dev.blockstep.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.app.Main;
import dev.blockstep.trace.Command;
import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.Trace;
import dev.blockstep.trace.io.TraceReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImportCommandsTest {

    static final Path CAPTURED = Path.of("..", "trace-format", "src", "test", "resources", "captured");

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = Main.run(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void importQemuIoWritesATraceWithTheScriptsCommandsAndSetup(@TempDir Path tmp) throws Exception {
        Path script = Files.writeString(tmp.resolve("r1.txt"), "aio_write -P 0x22 0 64k\naio_write -z -u 0 64k\n"
                + "aio_flush\n");
        Path setup = Files.writeString(tmp.resolve("setup.txt"), "write -P 0x11 0 64k\nwrite -z 0 64k\n");
        Path trace = tmp.resolve("r1.json");
        Run r = run("import-qemu-io", script.toString(), "-o", trace.toString(), "--setup", setup.toString(),
                "--size", "32M");
        assertEquals(0, r.exit(), r.err());
        Trace t = TraceReader.read(trace);
        assertEquals(3, t.workload().size());
        assertEquals(new ImageSetup.Fresh(32 << 20, 65536, t.image().setup()), t.image());
        assertEquals(2, t.image().setup().size());
    }

    @Test
    void aBadScriptExitsWithOneLineNamingTheScriptLine(@TempDir Path tmp) throws Exception {
        Path script = Files.writeString(tmp.resolve("bad.txt"), "write 0 4k\naio_write -u 0 4k\n");
        Run r = run("import-qemu-io", script.toString(), "-o", tmp.resolve("t.json").toString());
        assertEquals(1, r.exit());
        assertEquals("blockstep: bad.txt:2: -u requires -z to be specified\n", r.err());
        assertFalse(Files.exists(tmp.resolve("t.json")));
    }

    @Test
    void aMissingScriptIsOneLine(@TempDir Path tmp) {
        Run r = run("import-qemu-io", tmp.resolve("nope.txt").toString(), "-o", tmp.resolve("t.json").toString());
        assertEquals(1, r.exit());
        assertEquals("blockstep: " + tmp.resolve("nope.txt") + ": no such file\n", r.err());
    }

    @Test
    void aBaseImageOutsideTheTracesDirectoryIsRefused(@TempDir Path tmp) throws Exception {
        Path script = Files.writeString(tmp.resolve("s.txt"), "flush\n");
        Files.createDirectories(tmp.resolve("out"));
        Path base = Files.write(tmp.resolve("base.qcow2"), new byte[] {1, 2, 3});
        Run r = run("import-qemu-io", script.toString(), "-o", tmp.resolve("out/t.json").toString(), "--base",
                base.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("blockstep: --base " + base + ": expected an image in the trace's directory"),
                r.err());
    }

    @Test
    void aBaseImageNextToTheTraceIsReferencedWithItsHash(@TempDir Path tmp) throws Exception {
        Path script = Files.writeString(tmp.resolve("s.txt"), "flush\n");
        Path base = Files.write(tmp.resolve("base.qcow2"), "abc".getBytes(StandardCharsets.US_ASCII));
        Run r = run("import-qemu-io", script.toString(), "-o", tmp.resolve("t.json").toString(), "--base",
                base.toString());
        assertEquals(0, r.exit(), r.err());
        ImageSetup.Base b = (ImageSetup.Base) TraceReader.read(tmp.resolve("t.json")).image();
        assertEquals("base.qcow2", b.path());
        // sha256("abc"), a published test vector
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", b.sha256());
    }

    @Test
    void importQemuLogOfTheCapturedR1RaceKeepsItsEventsAndTheScriptsWorkload(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("r1.json");
        Run r = run("import-qemu-log", CAPTURED.resolve("r1.log").toString(), "--script",
                CAPTURED.resolve("r1.qemu-io").toString(), "-o", trace.toString());
        assertEquals(0, r.exit(), r.err());
        Trace t = TraceReader.read(trace);
        long lines = Files.readAllLines(CAPTURED.resolve("r1.log")).stream().filter(l -> !l.isBlank()).count();
        assertEquals(lines, t.qemuLog().events().size());
        assertEquals(0x22, ((Command.Write) t.workload().get(0)).pattern());
        assertTrue(r.out().startsWith("wrote " + trace + ": 3 commands, " + lines + " qemu events, "), r.out());
    }

    @Test
    void aMalformedLogExitsWithOneLineNamingTheLogLine(@TempDir Path tmp) throws Exception {
        Path log = Files.writeString(tmp.resolve("bad.log"),
                "qemu_co_mutex_lock_uncontended mutex 0x1 self 0x2\nqcow2_writev_start_req co 0x2 offset\n");
        Run r = run("import-qemu-log", log.toString(), "-o", tmp.resolve("t.json").toString());
        assertEquals(1, r.exit());
        assertEquals("blockstep: bad.log:2: expected qcow2_writev_start_req co <v> offset <v> bytes <v>, got "
                + "\"qcow2_writev_start_req co 0x2 offset\"\n", r.err());
    }

    @Test
    void aMissingOutputOptionIsAUsageErrorWithExit1(@TempDir Path tmp) {
        Run r = run("import-qemu-log", tmp.resolve("x.log").toString());
        assertEquals(1, r.exit());
        assertEquals("blockstep: Missing required option: '--output=TRACE'\n", r.err());
    }

    @Test
    void withEngineScheduleTheImportedR2LogReplaysStepForStepOnTheEngine(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("r2.json");
        Run r = run("import-qemu-log", CAPTURED.resolve("r2.log").toString(), "--script",
                CAPTURED.resolve("r2.qemu-io").toString(), "--setup", CAPTURED.resolve("r-setup.qemu-io").toString(),
                "--engine-schedule", "-o", trace.toString());
        assertEquals(0, r.exit(), r.err());
        Trace t = TraceReader.read(trace);
        assertTrue(t.schedule().size() > 10, "schedule of " + t.schedule().size());
        dev.blockstep.engine.session.EngineSession s = dev.blockstep.engine.trace.TraceReplay.replay(t, tmp, "r2.json");
        assertEquals(t.checkpoints().get(0).imageSha256(),
                dev.blockstep.engine.trace.TraceImages.sha256(s.engine().file()));
        // final-images.sha256: the file real qemu-io left after this very run
        assertEquals("20dd3712730f095a3f4dba8d399a3db4fa1f96cb96b817a84e1626d2bab081d0",
                t.checkpoints().get(0).imageSha256());
    }
}
