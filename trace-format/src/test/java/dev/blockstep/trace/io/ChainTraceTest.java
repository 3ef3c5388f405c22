package dev.blockstep.trace.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.trace.BackingLayer;
import dev.blockstep.trace.Command;
import dev.blockstep.trace.FixSetting;
import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.Metadata;
import dev.blockstep.trace.Producer;
import dev.blockstep.trace.Trace;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Format version 3: the trace names its image's backing chain (each layer's name and format as the upper header
 * stores them, and how the layer is made); older versions may not, and a trace without a chain is still written
 * as the oldest version that holds it.
 */
class ChainTraceTest {

    private static Trace chained() {
        ImageSetup base = new ImageSetup.Fresh(1 << 20, 65536,
                List.of(new Command.Write(false, null, Producer.GUEST, 0, 131072, 0x11, false, false, false)));
        ImageSetup mid = new ImageSetup.Base("images/mid.qcow2", null, List.of(),
                new BackingLayer("base.qcow2", "qcow2", base));
        ImageSetup top = new ImageSetup.Fresh(1 << 20, 65536, List.of(), new BackingLayer("mid.qcow2", "qcow2", mid));
        return Trace.of(Metadata.empty(), top, List.of(new Command.Read("r0", Producer.GUEST, 0, 65536, 0x11)),
                FixSetting.off());
    }

    private static String errorOf(String image) {
        String json = "{\"formatVersion\": 3, \"image\": " + image + ", \"workload\": [{\"op\": \"flush\", \"co\": \"f\"}]}";
        return assertThrows(TraceFormatException.class, () -> ProducerRoundTripTest.read(json)).getMessage();
    }

    private static final String FRESH = "\"virtualSize\": 1048576, \"clusterSize\": 65536";

    @Test
    void aChainedTraceIsWrittenAsVersionThreeAndReadsBackEqual() throws Exception {
        Trace t = chained();
        assertEquals(3, t.formatVersion());
        String json = TraceWriter.toJson(t);
        assertTrue(json.startsWith("{\n  \"formatVersion\": 3,"), json);
        assertTrue(json.contains("\"backing\": {\"name\": \"mid.qcow2\", \"format\": \"qcow2\", \"image\": "
                + "{\"base\": \"images/mid.qcow2\", \"backing\": {\"name\": \"base.qcow2\","), json);
        Trace back = ProducerRoundTripTest.read(json);
        assertEquals(t, back);
        assertEquals(List.of("mid.qcow2", "base.qcow2"),
                BackingLayer.below(back.image()).stream().map(BackingLayer::name).toList());
    }

    @Test
    void aVersionTwoFileMayNotNameABackingChain() {
        String json = "{\"formatVersion\": 2, \"image\": {" + FRESH + ", \"backing\": {\"name\": \"b.qcow2\", "
                + "\"format\": \"qcow2\", \"image\": {" + FRESH + "}}}, \"workload\": [{\"op\": \"flush\", \"co\": \"f\"}]}";
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> ProducerRoundTripTest.read(json));
        assertEquals("t.json:1:78: $.image.backing: field \"backing\" needs formatVersion 3, the file says 2",
                e.getMessage());
    }

    @Test
    void aBackingLayerNeedsANameAQcow2FormatAndAnImage() {
        assertTrue(errorOf("{" + FRESH + ", \"backing\": {\"format\": \"qcow2\", \"image\": {" + FRESH + "}}}")
                .endsWith("$.image.backing: missing field \"name\""), errorOf("{}"));
        assertTrue(errorOf("{" + FRESH + ", \"backing\": {\"name\": \"b\", \"format\": \"raw\", \"image\": {" + FRESH
                + "}}}").contains("$.image.backing.format: expected qcow2 (the backing formats traces hold)"));
        assertTrue(errorOf("{" + FRESH + ", \"backing\": {\"name\": \"../b\", \"format\": \"qcow2\"}}")
                .contains("$.image.backing.name: expected a relative file name"));
        assertTrue(errorOf("{" + FRESH + ", \"backing\": {\"name\": \"b\", \"format\": \"qcow2\"}}")
                .endsWith("$.image.backing: missing field \"image\""));
    }

    @Test
    void aLowerLayersSetupMustFitItsOwnVirtualSize() {
        String m = errorOf("{" + FRESH + ", \"backing\": {\"name\": \"b\", \"format\": \"qcow2\", \"image\": "
                + "{\"virtualSize\": 65536, \"clusterSize\": 65536, \"setup\": [{\"op\": \"write\", \"offset\": 65536, "
                + "\"bytes\": 512}]}}}");
        assertTrue(m.contains("$.image.backing.image.setup[0].offset: expected offset + bytes within the virtual size "
                + "65536, got a request ending at 66048"), m);
        assertTrue(!m.contains("\n"), m);
    }
}
