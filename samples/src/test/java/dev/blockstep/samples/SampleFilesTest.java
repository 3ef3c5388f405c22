package dev.blockstep.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.blockstep.trace.Trace;
import dev.blockstep.trace.io.TraceReader;
import dev.blockstep.trace.io.TraceWriter;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Every shipped sample is a well-formed trace: schema-valid, round-trips, documented, and reachable by name. */
class SampleFilesTest {

    static final java.util.List<String> NAMES = Samples.NAMES;

    static JsonSchema schema() throws Exception {
        try (InputStream in = Trace.class.getResourceAsStream("/dev/blockstep/trace/trace.schema.json")) {
            assertNotNull(in, "trace-format's schema is not on the classpath");
            // The schema's $id is relative; it resolves against the classpath location it is loaded from.
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(
                    SchemaLocation.of("classpath:dev/blockstep/trace/trace.schema.json"), new ObjectMapper().readTree(in));
        }
    }

    static JsonNode json(String name) throws Exception {
        try (InputStream in = Samples.class.getResourceAsStream(Samples.resource(name))) {
            return new ObjectMapper().readTree(in);
        }
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("NAMES")
    void theSampleIsValidAgainstTheTraceSchema(String name) throws Exception {
        Set<ValidationMessage> errors = schema().validate(json(name));
        assertEquals(Set.of(), errors, name);
    }

    @Test
    void theSchemaValidatorRejectsATraceTheSchemaForbids() throws Exception {
        JsonNode bad = new ObjectMapper().readTree("{\"formatVersion\": 1, \"image\": {\"virtualSize\": 1048576,"
                + " \"clusterSize\": 65536}, \"workload\": [{\"op\": \"write\", \"co\": \"w0\", \"offset\": 0,"
                + " \"bytes\": 512, \"colour\": \"red\"}]}");
        assertTrue(!schema().validate(bad).isEmpty(), "an unknown field must fail the schema");
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("NAMES")
    void readingWritingAndReadingAgainGivesAnEqualTrace(String name) throws Exception {
        Trace first = Samples.open(name);
        String text = TraceWriter.toJson(first);
        Trace second = TraceReader.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), name);
        assertEquals(first, second);
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("NAMES")
    void theReadmeDescribesTheSampleInTheWordsOfItsMetadata(String name) throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        String description = Samples.open(name).metadata().description();
        assertNotNull(description, name);
        assertTrue(readme.contains("### `" + name + "`"), "README has no section for " + name);
        assertTrue(readme.replaceAll("\\s+", " ").contains(description), "README section of " + name
                + " must hold its metadata description");
    }

    @Test
    void theDefaultSampleIsMinimalRace() throws Exception {
        assertEquals("minimal-race", Samples.DEFAULT);
        assertEquals("/samples/minimal-race.json", Samples.resource(Samples.DEFAULT));
        assertEquals("W1", Samples.open(Samples.DEFAULT).workload().get(0).coroutine());
    }
}
