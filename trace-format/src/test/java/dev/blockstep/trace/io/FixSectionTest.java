package dev.blockstep.trace.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.trace.FixSetting;
import dev.blockstep.trace.Trace;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fix section: variant names, and the version-1 boolean form that still loads. */
class FixSectionTest {
    private static final String HEAD = "{\"formatVersion\": 1, \"image\": {\"virtualSize\": 1048576, "
            + "\"clusterSize\": 65536}, \"workload\": [{\"op\": \"aio_flush\"}], \"fix\": ";

    private static Trace parse(String fix) throws TraceFormatException {
        return ReadmeExampleTest.parse(HEAD + fix + "}");
    }

    @Test
    void aBooleanInitialWithToggleFlipsReadsAsPatchAndNone() throws Exception {
        FixSetting f = parse("{\"initial\": true, \"flips\": [3, 5]}").fix();
        assertEquals(new FixSetting("patch", List.of(new FixSetting.Change(3, "none"),
                new FixSetting.Change(5, "patch"))), f);
        assertEquals("none", parse("{\"initial\": false}").fix().initial());
    }

    @Test
    void variantNamesReadBackAsWrittenAndTheWriterWritesNames() throws Exception {
        FixSetting f = new FixSetting("unmap-only", List.of(new FixSetting.Change(2, "patch+post-detect-zeroes")));
        Trace t = parse("{\"initial\": \"unmap-only\", \"flips\": [{\"step\": 2, \"variant\": "
                + "\"patch+post-detect-zeroes\"}]}");
        assertEquals(f, t.fix());
        String json = TraceWriter.toJson(t);
        assertTrue(json.contains("\"initial\" : \"unmap-only\"") || json.contains("\"initial\": \"unmap-only\""),
                json);
        assertEquals(f, ReadmeExampleTest.parse(json).fix());
    }

    @Test
    void bareFlipsAfterANamedInitialAreRefusedInOneLine() {
        TraceFormatException e = assertThrows(TraceFormatException.class,
                () -> parse("{\"initial\": \"patch\", \"flips\": [3]}"));
        assertTrue(e.getMessage().contains("fix.flips[0]") && e.getMessage().contains("{\"step\": N, \"variant\": NAME}"),
                e.getMessage());
    }

    @Test
    void aNameThatCannotBeAVariantIsRefusedNamingItsPlace() {
        TraceFormatException e = assertThrows(TraceFormatException.class,
                () -> parse("{\"initial\": \"Patch Me\"}"));
        assertTrue(e.getMessage().contains("fix.initial") && e.getMessage().contains("\"Patch Me\""), e.getMessage());
    }
}
