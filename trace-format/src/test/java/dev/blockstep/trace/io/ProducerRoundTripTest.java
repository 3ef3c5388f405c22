package dev.blockstep.trace.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.trace.Command;
import dev.blockstep.trace.FixSetting;
import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.Metadata;
import dev.blockstep.trace.NodeOptions;
import dev.blockstep.trace.Producer;
import dev.blockstep.trace.Trace;
import dev.blockstep.trace.WorkloadProducer;
import dev.blockstep.trace.WorkloadProducer.Tool;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Format version 2: a workload's producer (qemu-io, HMP qemu-io on a drive, qemu-nbd with N clients) and the
 * node's options (discard, detect-zeroes, cache) survive writing and reading; version-1 files still load, and a
 * trace that needs neither is still written as version 1.
 */
class ProducerRoundTripTest {

    static Trace trace(WorkloadProducer producer, NodeOptions node) {
        List<Command> workload = List.of(
                new Command.Write(true, "w0", Producer.GUEST, 0, 65536, 0x22, false, false, false),
                new Command.Write(true, "z1", Producer.GUEST, 0, 65536, null, true, true, false),
                new Command.AioFlush(null));
        return Trace.of(Metadata.empty(), new ImageSetup.Fresh(16 << 20, 65536, List.of()), workload,
                FixSetting.off()).withProducer(producer, node);
    }

    static Trace read(String json) throws TraceFormatException {
        return TraceReader.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "t.json");
    }

    @Test
    void everyProducerAndEveryNodeOptionRoundTrips() throws Exception {
        for (Tool tool : Tool.values()) {
            for (NodeOptions.Discard d : NodeOptions.Discard.values()) {
                for (NodeOptions.DetectZeroes z : NodeOptions.DetectZeroes.values()) {
                    for (NodeOptions.Cache c : NodeOptions.Cache.values()) {
                        WorkloadProducer p = new WorkloadProducer(tool, tool == Tool.QEMU_NBD ? 2 : 1,
                                tool == Tool.HMP_QEMU_IO ? "d0" : null);
                        Trace t = trace(p, new NodeOptions(d, z, c));
                        String json = TraceWriter.toJson(t);
                        assertTrue(json.startsWith("{\n  \"formatVersion\": 2,"), json);
                        assertEquals(t, read(json));
                    }
                }
            }
        }
    }

    @Test
    void theWrittenFieldsAreSpelledAsQemuSpellsTheOptions() {
        Trace t = trace(new WorkloadProducer(Tool.QEMU_NBD, 2, null),
                new NodeOptions(NodeOptions.Discard.UNMAP, NodeOptions.DetectZeroes.UNMAP, null));
        String json = TraceWriter.toJson(t);
        assertTrue(json.contains("\"producer\": {\n    \"tool\": \"qemu-nbd\",\n    \"clients\": 2\n  },"), json);
        assertTrue(json.contains("\"node\": {\n    \"discard\": \"unmap\",\n    \"detectZeroes\": \"unmap\"\n  },"),
                json);
    }

    @Test
    void aTraceWithoutProducerOrNodeOptionsIsWrittenAsVersionOneAndReadsBack() throws Exception {
        Trace t = trace(null, new NodeOptions(null, null, null));
        assertNull(t.node());
        String json = TraceWriter.toJson(t);
        assertTrue(json.startsWith("{\n  \"formatVersion\": 1,"), json);
        Trace back = read(json);
        assertEquals(t, back);
        assertEquals(1, back.formatVersion());
    }

    @Test
    void aVersionOneFileMayNotNameAProducer() {
        String json = "{\"formatVersion\": 1, \"image\": {\"virtualSize\": 1048576, \"clusterSize\": 65536},"
                + " \"producer\": {\"tool\": \"qemu-nbd\"}, \"workload\": [{\"op\": \"flush\", \"co\": \"f0\"}]}";
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> read(json));
        assertEquals("t.json:1:79: $.producer: field \"producer\" needs formatVersion 2, the file says 1",
                e.getMessage());
    }

    @Test
    void badProducerValuesAreOneLineErrors() {
        String head = "{\"formatVersion\": 2, \"image\": {\"virtualSize\": 1048576, \"clusterSize\": 65536},";
        String tail = " \"workload\": [{\"op\": \"flush\", \"co\": \"f0\"}]}";
        assertEquals("t.json:1:92: $.producer.tool: expected one of qemu-io, hmp-qemu-io, qemu-nbd, got \"nbd\"",
                assertThrows(TraceFormatException.class,
                        () -> read(head + " \"producer\": {\"tool\": \"nbd\"}," + tail)).getMessage());
        assertEquals("t.json:1:111: $.producer.clients: expected clients 1 for qemu-io (only qemu-nbd serves "
                        + "several clients), got 2",
                assertThrows(TraceFormatException.class,
                        () -> read(head + " \"producer\": {\"tool\": \"qemu-io\", \"clients\": 2}," + tail))
                        .getMessage());
        assertEquals("t.json:1:88: $.node.detectZeroes: expected one of off, on, unmap, got \"yes\"",
                assertThrows(TraceFormatException.class,
                        () -> read(head + " \"node\": {\"detectZeroes\": \"yes\"}," + tail)).getMessage());
    }
}
