package dev.blockstep.samples.captures;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.blockstep.trace.ImageSetup;
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
                new ImageSetup.Base("base.qcow2", sha, List.of()), null, null);
    }
}
