package dev.blockstep.trace.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.trace.Command;
import dev.blockstep.trace.FixSetting;
import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.Metadata;
import dev.blockstep.trace.Producer;
import dev.blockstep.trace.ScheduleEntry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trace of at least 100 MB is written by the streaming writer and then validated and streamed back by a
 * separate JVM limited to 64 MB of heap: if any part of the reader held the schedule (or the file) in memory, the
 * child would die with OutOfMemoryError.
 */
class LargeTraceTest {

    static final int COROUTINES = 64;
    static final long STEPS = 2_400_000;

    static List<Command> workload() {
        List<Command> w = new ArrayList<>();
        for (int i = 0; i < COROUTINES; i++) {
            w.add(new Command.Write(true, "co" + i, Producer.GUEST, 65536L * (i % 8), 65536, i, false, false, false));
        }
        w.add(new Command.AioFlush(null));
        return w;
    }

    static ScheduleEntry entry(long i) {
        int a = (int) (i % COROUTINES);
        int b = (int) ((i * 7 + 3) % COROUTINES);
        int c = (int) ((i * 13 + 5) % COROUTINES);
        List<String> runnable = new ArrayList<>(List.of("co" + a));
        if (b != a) {
            runnable.add("co" + b);
        }
        if (c != a && c != b) {
            runnable.add("co" + c);
        }
        return new ScheduleEntry("co" + a, runnable, "qcow2_cluster_link_l2", null);
    }

    @Test
    void aTraceOfMoreThan100MbIsReadBackByAJvmWith64MbOfHeap(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("big.json");
        long hash = 0;
        try (StreamingTraceWriter w = StreamingTraceWriter.create(trace, new Metadata("big", null, "LargeTraceTest",
                        1L, "random"), new ImageSetup.Fresh(1L << 30, 65536, List.of()), workload())) {
            for (long i = 0; i < STEPS; i++) {
                ScheduleEntry e = entry(i);
                hash = hash * 31 + e.hashCode();
                w.step(e);
            }
            w.finish(FixSetting.ofToggles(false, List.of(1000L, 2_000_000L)), List.of(), null);
        }
        long size = Files.size(trace);
        assertTrue(size >= 100L * 1024 * 1024, "trace is only " + size + " bytes");

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                StreamScheduleMain.class.getName(), trace.toString())
                .redirectErrorStream(true)
                .start();
        long start = System.nanoTime();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child did not finish");
        System.out.printf("LargeTraceTest: %d bytes, %d steps, read back with -Xmx64m in %d ms%n", size, STEPS,
                (System.nanoTime() - start) / 1_000_000);
        assertEquals(0, p.exitValue(), out);
        assertEquals("entries=" + STEPS + " hash=" + hash + " flips=[1000, 2000000]", out);
    }
}
