package dev.blockstep.trace.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every file under malformed/ must be rejected with exactly the one line in its .error sidecar, both by the
 * in-memory reader and by the streaming open.
 */
class MalformedTracesTest {

    static Path dir() throws URISyntaxException {
        return Path.of(MalformedTracesTest.class.getResource("/malformed").toURI());
    }

    static List<Path> files() throws IOException, URISyntaxException {
        try (Stream<Path> s = Files.list(dir())) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    static String expected(Path json) throws IOException {
        Path error = json.resolveSibling(json.getFileName().toString().replace(".json", ".error"));
        return Files.readString(error, StandardCharsets.UTF_8).strip();
    }

    @Test
    void thereAreAtLeastThirtyMalformedFilesEachWithItsExpectedError() throws Exception {
        List<Path> files = files();
        assertTrue(files.size() >= 30, "only " + files.size() + " malformed files");
        for (Path f : files) {
            assertFalse(expected(f).isEmpty(), f + " has no expected error");
        }
    }

    @TestFactory
    Stream<DynamicTest> eachMalformedFileGivesItsExactOneLineError() throws Exception {
        return files().stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            TraceFormatException e = assertThrows(TraceFormatException.class, () -> TraceReader.read(f));
            assertEquals(expected(f), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), "error spans lines");
        }));
    }

    @TestFactory
    Stream<DynamicTest> theStreamingOpenRejectsEachMalformedFileWithTheSameError() throws Exception {
        return files().stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            TraceFormatException e = assertThrows(TraceFormatException.class, () -> TraceReader.open(f));
            assertEquals(expected(f), e.getMessage());
        }));
    }

    @Test
    void aMissingFileIsOneLineNamingIt(@org.junit.jupiter.api.io.TempDir Path tmp) {
        TraceFormatException e = assertThrows(TraceFormatException.class,
                () -> TraceReader.read(tmp.resolve("nope.json")));
        assertTrue(e.getMessage().startsWith("nope.json:1:1: $: no such file: "), e.getMessage());
    }
}
