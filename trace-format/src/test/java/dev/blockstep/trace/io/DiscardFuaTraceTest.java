package dev.blockstep.trace.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.trace.Command;
import dev.blockstep.trace.FixSetting;
import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.Metadata;
import dev.blockstep.trace.Producer;
import dev.blockstep.trace.Trace;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Format version 4: a discard may carry FUA (an NBD TRIM with NBD_CMD_FLAG_FUA); older versions may not, and a
 * trace without such a discard is still written as the oldest version that holds it.
 */
class DiscardFuaTraceTest {

    private static Trace withDiscard(boolean fua) {
        return Trace.of(Metadata.empty(), new ImageSetup.Fresh(1 << 20, 65536, List.of()),
                List.of(new Command.Discard("d0", Producer.GUEST, 0, 65536, fua)), FixSetting.off());
    }

    @Test
    void aDiscardWithFuaIsWrittenAsVersionFourAndReadsBackEqual() throws Exception {
        Trace t = withDiscard(true);
        assertEquals(4, t.formatVersion());
        String json = TraceWriter.toJson(t);
        assertTrue(json.startsWith("{\n  \"formatVersion\": 4,"), json);
        assertTrue(json.contains("\"op\": \"discard\", \"co\": \"d0\", \"offset\": 0, \"bytes\": 65536, \"fua\": true"),
                json);
        assertEquals(t, ProducerRoundTripTest.read(json));
    }

    @Test
    void aDiscardWithoutFuaKeepsTheOldestVersionAndItsBytes() throws Exception {
        Trace t = withDiscard(false);
        assertEquals(1, t.formatVersion());
        String json = TraceWriter.toJson(t);
        assertFalse(json.contains("fua"), json);
        assertEquals(t, ProducerRoundTripTest.read(json));
    }

    @Test
    void aVersionThreeFileMayNotSetFuaOnADiscard() {
        String json = "{\"formatVersion\": 3, \"image\": {\"virtualSize\": 1048576, \"clusterSize\": 65536}, "
                + "\"workload\": [{\"op\": \"discard\", \"co\": \"d0\", \"offset\": 0, \"bytes\": 65536, \"fua\": true}]}";
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> ProducerRoundTripTest.read(json));
        assertEquals("t.json:1:92: $.workload[0]: field \"fua\" on a discard needs formatVersion 4, the file says 3",
                e.getMessage());
    }

    @Test
    void theSchemaRefusesFuaOnADiscardBeforeVersionFour() throws Exception {
        assertEquals("[1,2,3,4,5]", SchemaTest.schema().at("/properties/formatVersion/enum").toString());
        assertEquals("{\"not\":{\"properties\":{\"op\":{\"const\":\"discard\"}},\"required\":[\"op\",\"fua\"]}}",
                SchemaTest.schema().at("/allOf/1/then/properties/workload/items").toString());
    }
}
