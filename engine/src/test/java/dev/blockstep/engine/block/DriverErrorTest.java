package dev.blockstep.engine.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.session.Engine;
import dev.blockstep.engine.session.Workload;
import dev.blockstep.engine.testing.Qemu;
import dev.blockstep.trace.qemuio.QemuIoParser;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DriverErrorTest {
    @TempDir
    Path dir;

    @Test
    void aRequestThatHitsACorruptionFailsWithOneLineAndLeavesNothingHeld() throws Exception {
        Path p = dir.resolve("c.qcow2");
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", p.toString(), "16M").exitCode());
        assertEquals(0, Qemu.io("-f", "qcow2", "-c", "write -P 7 0 64k", p.toString()).exitCode());
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            // g0's L2 entry (L2 table at 0x40000) now names an unaligned data cluster: a fatal corruption.
            f.seek(0x40000);
            f.writeLong(0x8000000000050200L);
        }
        HostFile img = HostFile.load(p);
        Qemu.Result real = Qemu.io("-f", "qcow2", "-c", "write -P 1 0 4k", p.toString());
        var cmds = QemuIoParser.parseScript("aio_write -P 1 0 4k\naio_write -P 2 64k 64k\naio_flush\n", "t");
        Engine e = new Engine(new Workload(img, "c.qcow2", cmds, FixVariant.NONE, Policies::fifo));
        e.runToEnd();
        assertTrue(e.finished(), "nothing is left hanging");
        assertEquals(-1, e.node().sLock().ownerId(), "s->lock is free");
        assertEquals(List.of(), e.node().trackedRequests().list());
        assertEquals("aio_write failed: Input/output error", e.node().stdoutLines().get(0));
        assertEquals(real.stderr(), e.node().stderrLines().get(0) + "\n", "the corruption line is qemu's");
    }
}
