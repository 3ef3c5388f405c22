package dev.blockstep.trace.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The shipped JSON Schema names exactly the fields the reader accepts: every schema property is accepted by the
 * reader (no "unknown field" error), and a field the schema does not name is refused by the reader.
 */
class SchemaTest {

    static JsonNode schema() throws Exception {
        try (InputStream in = SchemaTest.class.getResourceAsStream("/dev/blockstep/trace/trace.schema.json")) {
            assertNotNull(in, "schema not on the classpath");
            return new ObjectMapper().readTree(in);
        }
    }

    static List<String> names(JsonNode properties) {
        List<String> out = new ArrayList<>();
        properties.fieldNames().forEachRemaining(out::add);
        return out;
    }

    static String base() {
        return "{\"formatVersion\": 1, \"image\": {\"virtualSize\": 1048576, \"clusterSize\": 65536},"
                + " \"workload\": [{\"op\": \"write\", \"co\": \"w0\", \"offset\": 0, \"bytes\": 512}]";
    }

    static String errorOf(String json) {
        try {
            TraceReader.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "s.json");
            return "";
        } catch (TraceFormatException e) {
            return e.getMessage();
        }
    }

    @Test
    void theSchemaAllowsFormatVersionsOneToFive() throws Exception {
        assertEquals("[1,2,3,4,5]", schema().at("/properties/formatVersion/enum").toString());
        assertEquals("{\"if\":{\"properties\":{\"formatVersion\":{\"enum\":[1,2,3,4]}}},\"then\":{\"not\":"
                + "{\"required\":[\"job\"]}}}", schema().at("/allOf/2").toString());
        assertEquals("{\"image\":{\"not\":{\"required\":[\"backing\"]}}}",
                schema().at("/allOf/0/then/properties").toString());
        assertEquals("[{\"required\":[\"producer\"]},{\"required\":[\"node\"]}]",
                schema().at("/then/not/anyOf").toString());
    }

    @Test
    void everyProducerAndNodeSchemaPropertyIsAFieldTheReaderKnows() throws Exception {
        for (String section : List.of("producer", "node")) {
            for (String name : names(schema().at("/properties/" + section + "/properties"))) {
                String json = base().replace("\"formatVersion\": 1", "\"formatVersion\": 2") + ", \"" + section
                        + "\": {\"" + name + "\": 0}}";
                String error = errorOf(json);
                assertFalse(error.contains("unknown field"), section + "." + name + ": " + error);
            }
        }
    }

    @Test
    void everyTopLevelSchemaPropertyIsAFieldTheReaderKnows() throws Exception {
        for (String name : names(schema().get("properties"))) {
            if (name.equals("formatVersion")) {
                continue;
            }
            String error = errorOf(base() + ", \"" + name + "\": 0}");
            assertFalse(error.contains("unknown field"), name + ": " + error);
        }
        String error = errorOf(base() + ", \"notInSchema\": 0}");
        assertEquals("s.json:1:149: $.notInSchema: unknown field \"notInSchema\" (expected formatVersion, metadata, "
                + "image, producer, node, job, workload, fix, schedule, checkpoints or qemuLog)", error);
    }

    @Test
    void theTopLevelFieldsOfTheSchemaAreTheOnesTheReaderListsInItsError() throws Exception {
        TreeSet<String> schemaNames = new TreeSet<>(names(schema().get("properties")));
        assertEquals(new TreeSet<>(List.of("formatVersion", "metadata", "image", "producer", "node", "job", "workload",
                "fix", "schedule", "checkpoints", "qemuLog")), schemaNames);
    }

    @Test
    void everyJobSchemaArgumentIsOneTheReaderKnowsAndNoOtherIs() throws Exception {
        String chain = "{\"formatVersion\": 5, \"image\": {\"virtualSize\": 1048576, \"clusterSize\": 65536,"
                + " \"backing\": {\"name\": \"mid.qcow2\", \"format\": \"qcow2\", \"image\": {\"virtualSize\": 1048576,"
                + " \"clusterSize\": 65536, \"backing\": {\"name\": \"base.qcow2\", \"format\": \"qcow2\", \"image\":"
                + " {\"virtualSize\": 1048576, \"clusterSize\": 65536}}}}},"
                + " \"workload\": [{\"op\": \"flush\", \"co\": \"f0\"}], \"job\": ";
        JsonNode shapes = schema().at("/properties/job/oneOf");
        assertEquals(3, shapes.size());
        for (JsonNode shape : shapes) {
            String execute = shape.at("/properties/execute/const").asText();
            if (execute.equals("blockdev-mirror")) {
                // JobTraceTest reads every argument of a mirror; here only the shape
                assertEquals(List.of("execute", "arguments", "targetImage", "afterCommands"),
                        names(shape.get("properties")));
                assertEquals(List.of("job-id", "device", "target", "sync", "copy-mode", "granularity"),
                        names(shape.at("/properties/arguments/properties")));
                continue;
            }
            assertEquals(List.of("execute", "arguments", "afterCommands"), names(shape.get("properties")));
            for (String name : names(shape.at("/properties/arguments/properties"))) {
                if (name.equals("device") || name.equals("top")) {
                    continue;
                }
                String value = name.equals("top") ? "mid.qcow2" : name.equals("base") ? "base.qcow2" : "d0";
                String args = "{\"device\": \"d0\", \"top\": \"mid.qcow2\", \"" + name + "\": \"" + value + "\"}";
                if (execute.equals("block-stream")) {
                    args = "{\"device\": \"d0\", \"" + name + "\": \"" + value + "\"}";
                }
                String error = errorOf(chain + "{\"execute\": \"" + execute + "\", \"arguments\": " + args + "}}");
                assertEquals("", error, execute + " " + name);
            }
            String error = errorOf(chain + "{\"execute\": \"" + execute + "\", \"arguments\": {\"device\": \"d0\","
                    + " \"speed\": \"1\"}}}");
            assertTrue(error.contains("unknown " + execute + " argument \"speed\""), error);
        }
    }

    @Test
    void everyCommandSchemaPropertyIsAFieldTheReaderKnows() throws Exception {
        for (String name : names(schema().at("/$defs/commandShape/properties"))) {
            String json = "{\"formatVersion\": 1, \"image\": {\"virtualSize\": 1048576, \"clusterSize\": 65536},"
                    + " \"workload\": [{\"" + name + "\": 0}]}";
            String error = errorOf(json);
            assertFalse(error.contains("unknown field"), name + ": " + error);
        }
        assertEquals(9, names(schema().at("/$defs/commandShape/properties")).size());
    }

    @Test
    void everyMetadataCheckpointAndImageSchemaPropertyIsAFieldTheReaderKnows() throws Exception {
        for (String section : List.of("metadata", "image")) {
            for (String name : names(schema().at("/properties/" + section + "/properties"))) {
                String field = "{\"" + name + "\": 0}";
                String json = "{\"formatVersion\": 1, \"image\": "
                        + (section.equals("image") ? field : "{\"virtualSize\": 1048576, \"clusterSize\": 65536}")
                        + ", \"workload\": [{\"op\": \"flush\", \"co\": \"f0\"}]"
                        + (section.equals("metadata") ? ", \"metadata\": " + field : "") + "}";
                String error = errorOf(json);
                assertFalse(error.contains("unknown field") || error.contains("malformed"),
                        section + "." + name + ": " + error);
            }
        }
        for (String name : names(schema().at("/properties/checkpoints/items/properties"))) {
            String error = errorOf(base() + ", \"checkpoints\": [{\"" + name + "\": 0}]}");
            assertFalse(error.contains("unknown field"), "checkpoints." + name + ": " + error);
        }
    }
}
