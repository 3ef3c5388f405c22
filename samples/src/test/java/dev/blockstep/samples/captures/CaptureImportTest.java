package dev.blockstep.samples.captures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.trace.Command;
import dev.blockstep.trace.Trace;
import dev.blockstep.trace.WorkloadProducer;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every capture's raw, unfiltered log imports, and the importer tells the producer the log shows. */
class CaptureImportTest {

    static java.util.List<String> captures() throws Exception {
        return Captures.names();
    }

    @ParameterizedTest
    @MethodSource("captures")
    void theRawLogImportsAndNamesWhatItSkipped(String capture, @TempDir Path dir) throws Exception {
        Trace t = Captures.importRaw(capture, dir);
        assertTrue(t.workload().size() > 1, capture);
        String summary = t.qemuLog().inferred().get(0);
        assertTrue(summary.startsWith("trace.log: used "), summary);
        if (capture.startsWith("nbd-")) {
            assertTrue(summary.contains(" nbd_*"), summary);
            int clients = capture.startsWith("nbd-two") ? 2 : 1;
            assertEquals(new WorkloadProducer(WorkloadProducer.Tool.QEMU_NBD, clients, null), t.producer());
            long discards = t.workload().stream().filter(c -> c instanceof Command.Discard).count();
            // qemu-nbd's default --discard=ignore stops TRIM before the qcow2 node; with unmap every one reaches it
            long trims = Captures.text(capture, "trace.log").lines().filter(l -> l.contains(".type = 0x4,")).count();
            assertEquals(capture.startsWith("nbd-unmap") ? trims : 0, discards, capture);
        } else if (capture.startsWith("qemu-io")) {
            assertTrue(summary.contains("lines of qemu-io output"), summary);
            assertEquals(WorkloadProducer.Tool.QEMU_IO, t.producer().tool());
        }
    }
}
