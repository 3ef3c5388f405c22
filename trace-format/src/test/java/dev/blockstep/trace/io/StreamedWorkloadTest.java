package dev.blockstep.trace.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.trace.Command;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link TraceReader#open} keeps no workload; {@link TraceFile#commands()} streams it back from disk. */
class StreamedWorkloadTest {

    private static String write(int i, long offset) {
        return "{\"op\": \"write\", \"co\": \"w" + i + "\", \"offset\": " + offset + ", \"bytes\": 65536}";
    }

    @Test
    void theWorkloadIsStreamedBackAsTheWholeReaderReadsIt(@TempDir Path dir) throws Exception {
        StringBuilder w = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            w.append(i == 0 ? "" : ", ").append(write(i, (i % 16) * 65536L));
        }
        Path f = Files.writeString(dir.resolve("t.json"), "{\"formatVersion\": 1, \"image\": {\"virtualSize\": "
                + "1048576, \"clusterSize\": 65536}, \"workload\": [" + w + ", {\"op\": \"aio_flush\"}]}");
        TraceFile file = TraceReader.open(f);
        assertEquals(List.of(), file.header().workload());
        assertEquals(501, file.workloadLength());
        List<Command> streamed = new ArrayList<>();
        for (int pass = 0; pass < 2; pass++) {
            streamed.clear();
            try (TraceFile.CommandStream s = file.commands()) {
                for (Command c = s.next(); c != null; c = s.next()) {
                    streamed.add(c);
                }
            }
            assertEquals(TraceReader.read(f).workload(), streamed, "pass " + pass);
        }
        assertEquals(streamed, file.withWorkload().workload());
    }

    @Test
    void aWorkloadBeforeTheImageIsStillCheckedAgainstTheVirtualSizeAtTheFirstOffender(@TempDir Path dir)
            throws Exception {
        // ends: 64k, 128k, 2M (first past 1 MiB), 1M, 4M
        String w = String.join(", ", write(0, 0), write(1, 65536), write(2, 2031616), write(3, 983040),
                write(4, 4128768));
        Path f = Files.writeString(dir.resolve("t.json"), "{\"formatVersion\": 1, \"workload\": [" + w + "], "
                + "\"image\": {\"virtualSize\": 1048576, \"clusterSize\": 65536}}");
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> TraceReader.open(f));
        assertTrue(e.getMessage().contains("$.workload[2].offset"), e.getMessage());
        assertTrue(e.getMessage().contains("ending at 2097152"), e.getMessage());
    }
}
