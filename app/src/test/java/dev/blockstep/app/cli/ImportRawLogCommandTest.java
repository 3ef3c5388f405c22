package dev.blockstep.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.trace.NodeOptions;
import dev.blockstep.trace.Trace;
import dev.blockstep.trace.WorkloadProducer;
import dev.blockstep.trace.io.TraceReader;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** import-qemu-log on a raw qemu-system -D log with timestamps: --base, stated node options, the summary line. */
class ImportRawLogCommandTest {

    static final Path CAPTURE = Path.of("../samples/src/main/resources/captures/hmp-detect-zeroes-a");

    @Test
    void aRawQemuSystemLogImportsWithTheStatedProducerAndNodeOptions(@TempDir Path tmp) throws Exception {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(CAPTURE.resolve("base.qcow2.gz")))) {
            Files.write(tmp.resolve("base.qcow2"), in.readAllBytes());
        }
        Path trace = tmp.resolve("t.json");
        ImportCommandsTest.Run r = ImportCommandsTest.run("import-qemu-log", CAPTURE.resolve("trace.log").toString(),
                "--base", tmp.resolve("base.qcow2").toString(), "--producer", "hmp-qemu-io", "--drive", "d0",
                "--discard", "unmap", "--detect-zeroes", "unmap", "-o", trace.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("\ntrace.log: used "), r.out());
        Trace t = TraceReader.read(trace);
        assertEquals(2, t.formatVersion());
        assertEquals(new WorkloadProducer(WorkloadProducer.Tool.HMP_QEMU_IO, 1, "d0"), t.producer());
        assertEquals(new NodeOptions(NodeOptions.Discard.UNMAP, NodeOptions.DetectZeroes.UNMAP, null), t.node());
    }

    @Test
    void aBadOptionValueIsOneLine(@TempDir Path tmp) {
        ImportCommandsTest.Run r = ImportCommandsTest.run("import-qemu-log", CAPTURE.resolve("trace.log").toString(),
                "--detect-zeroes", "yes", "-o", tmp.resolve("t.json").toString());
        assertEquals(1, r.exit());
        assertEquals("blockstep: --detect-zeroes: expected one of off, on, unmap, got yes\n", r.err());
        r = ImportCommandsTest.run("import-qemu-log", CAPTURE.resolve("trace.log").toString(), "--producer", "qemu-io",
                "--clients", "2", "-o", tmp.resolve("t.json").toString());
        assertEquals(1, r.exit());
        assertEquals("blockstep: --producer=qemu-io: expected clients 1 for qemu-io (only qemu-nbd serves several "
                + "clients), got 2\n", r.err());
    }
}
