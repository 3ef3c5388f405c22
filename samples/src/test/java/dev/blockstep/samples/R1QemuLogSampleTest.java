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

    @Test
    void itsQemuLogShowsTheWriteZeroesQueuedOnTheLockTheWriterHolds() throws Exception {
        List<QemuEvent> waits = sample().qemuLog().events().stream()
                .filter(e -> "z1".equals(e.coroutine()) && e.event().equals("qemu_co_mutex_lock_entry")).toList();
        assertEquals("mutex s->lock self z1", waits.get(0).args());
    }
}
