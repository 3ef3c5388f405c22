package dev.blockstep.trace.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.trace.Command;
import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.Trace;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The example in trace-format/README.md must be a valid trace, and writing it must give the same text. */
class ReadmeExampleTest {

    static String example() throws Exception {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        int start = readme.indexOf("```json\n");
        assertTrue(start >= 0, "README.md has no ```json block");
        int end = readme.indexOf("```", start + 8);
        return readme.substring(start + 8, end);
    }

    static Trace parse(String json) throws TraceFormatException {
        return TraceReader.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "README.md");
    }

    @Test
    void theReadmeExampleParses() throws Exception {
        Trace t = parse(example());
        assertEquals(3, t.workload().size());
        assertEquals(6, t.schedule().size());
        assertEquals(List.of(new dev.blockstep.trace.FixSetting.Change(3, "patch")), t.fix().changes());
        assertEquals(2, t.image().setup().size());
        assertEquals(0x8000000000050000L, t.checkpoints().get(0).l2().get(0L));
        assertEquals(new ImageSetup.Fresh(16 << 20, 65536, t.image().setup()), t.image());
        assertTrue(((Command.Write) t.workload().get(1)).unmap());
    }

    @Test
    void theWriterLaysTheReadmeExampleOutExactlyAsPrinted() throws Exception {
        assertEquals(example(), TraceWriter.toJson(parse(example())));
    }
}
