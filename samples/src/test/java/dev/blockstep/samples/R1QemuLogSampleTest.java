package dev.blockstep.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.session.EngineSession;
import dev.blockstep.engine.testing.Qemu;
import dev.blockstep.engine.trace.TraceReplay;
import dev.blockstep.trace.QemuEvent;
import dev.blockstep.trace.Trace;
import dev.blockstep.trace.io.TraceReader;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sample r1-qemu-log.json does what its description says. */
class R1QemuLogSampleTest {

    static Trace sample() throws Exception {
        try (InputStream in = R1QemuLogSampleTest.class.getResourceAsStream("/dev/blockstep/samples/r1-qemu-log.json")) {
            return TraceReader.read(in, "r1-qemu-log.json");
        }
    }

    @Test
    void replayingTheSampleLeavesAnImageThatRealQemuImgCheckFindsCorrupt(@TempDir Path tmp) throws Exception {
        EngineSession s = TraceReplay.replay(sample(), tmp, "r1-qemu-log.json");
        Path image = tmp.resolve("r1.qcow2");
        s.engine().file().save(image);
        Qemu.Result check = Qemu.img("check", image.toString());
        assertEquals(2, check.exitCode(), check.stdout() + check.stderr());
        assertTrue(check.stderr().contains("ERROR cluster 5 refcount=0 reference=1"), check.stderr());
        assertTrue(check.stderr().contains("ERROR OFLAG_COPIED data cluster: l2_entry=8000000000050000 refcount=0"),
                check.stderr());
    }

    /** The SHA-256 real qemu-io left for the captured R1 run (trace-format's captured/final-images.sha256). */
    static String realR1Sha() throws Exception {
        return java.nio.file.Files.readAllLines(Path.of("..", "trace-format", "src", "test", "resources", "captured",
                "final-images.sha256")).stream().filter(l -> l.endsWith("  r1")).map(l -> l.substring(0, 64))
                .findFirst().orElseThrow();
    }

    @Test
    void replayingTheSampleLeavesTheImageFileRealQemuLeftByteForByte(@TempDir Path tmp) throws Exception {
        EngineSession s = TraceReplay.replay(sample(), tmp, "r1-qemu-log.json");
        assertEquals(realR1Sha(), dev.blockstep.engine.trace.TraceImages.sha256(s.engine().file()));
    }

    @Test
    void itsQemuLogShowsTheWriteZeroesQueuedOnTheLockTheWriterHolds() throws Exception {
        List<QemuEvent> waits = sample().qemuLog().events().stream()
                .filter(e -> "Z2".equals(e.coroutine()) && e.event().equals("qemu_co_mutex_lock_entry")).toList();
        assertEquals("mutex s->lock self Z2", waits.get(0).args());
    }
}
