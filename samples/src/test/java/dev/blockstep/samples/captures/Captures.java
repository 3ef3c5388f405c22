package dev.blockstep.samples.captures;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.NodeOptions;
import dev.blockstep.trace.WorkloadProducer;
import dev.blockstep.trace.Trace;
import dev.blockstep.trace.qemulog.QemuLogImporter;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/** The captures from real qemu 7.2 under resources/captures/NAME/ (see captures/README.md there). */
final class Captures {

    static final String DIR = "/captures/";

    private Captures() {
    }

    /** Every capture's name, sorted. */
    static List<String> names() throws Exception {
        URL url = Captures.class.getResource(DIR);
        assertNotNull(url, "no captures on the classpath");
        try (Stream<Path> s = Files.list(Path.of(url.toURI()))) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static byte[] bytes(String capture, String file) throws Exception {
        try (InputStream in = Captures.class.getResourceAsStream(DIR + capture + "/" + file)) {
            assertNotNull(in, capture + "/" + file);
            return in.readAllBytes();
        }
    }

    static String text(String capture, String file) throws Exception {
        return new String(bytes(capture, file), StandardCharsets.UTF_8);
    }

    static byte[] gunzip(String capture, String file) throws Exception {
        try (InputStream in = new GZIPInputStream(Captures.class.getResourceAsStream(DIR + capture + "/" + file))) {
            return in.readAllBytes();
        }
    }

    /** Writes the capture's base image into {@code dir} as base.qcow2 and imports its raw log against it. */
    static Trace importRaw(String capture, Path dir) throws Exception {
        byte[] base = gunzip(capture, "base.qcow2.gz");
        Files.write(dir.resolve("base.qcow2"), base);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(base));
        return QemuLogImporter.importLog(text(capture, "trace.log"), "trace.log",
                new ImageSetup.Base("base.qcow2", sha, List.of()), null, null,
                new QemuLogImporter.Options(null, producer(capture), nodeOptions(capture)));
    }

    /**
     * The producer the capture's command lines name where the log cannot show it: qemu-system's HMP qemu-io on
     * drive d0 (setups "sys-..."); otherwise null, so the importer infers it (NBD negotiation, qemu-io output).
     */
    static WorkloadProducer producer(String capture) throws Exception {
        JsonNode c = new ObjectMapper().readTree(bytes(capture, "capture.json"));
        return c.path("setup").asText().startsWith("sys-")
                ? new WorkloadProducer(WorkloadProducer.Tool.HMP_QEMU_IO, 1, "d0") : null;
    }

    /** The node options the capture's command line set (-drive discard=/detect-zeroes=, qemu-nbd --discard). */
    static NodeOptions nodeOptions(String capture) throws Exception {
        JsonNode o = new ObjectMapper().readTree(bytes(capture, "capture.json")).path("nodeOptions");
        return new NodeOptions(NodeOptions.fromJson(NodeOptions.Discard.class, o.path("discard").asText(null)),
                NodeOptions.fromJson(NodeOptions.DetectZeroes.class, o.path("detect-zeroes").asText(null)), null);
    }
}
