package dev.blockstep.engine.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.session.Engine;
import dev.blockstep.engine.session.Workload;
import dev.blockstep.engine.testing.Qemu;
import dev.blockstep.trace.qemuio.QemuIoParser;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DriverErrorTest {
    @TempDir
    Path dir;

    @Test
    void aRequestTheDriverRefusesFailsWithOneLineAndTheOthersStillRun() throws Exception {
        Path p = dir.resolve("c.qcow2");
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", p.toString(), "16M").exitCode());
        // A compressed cluster, which this engine's driver cannot read back (it refuses with -ENOTSUP).
        assertEquals(0, Qemu.io("-f", "qcow2", "-c", "write -c -P 7 0 64k", p.toString()).exitCode());
        var cmds = QemuIoParser.parseScript("aio_write -P 1 0 4k\naio_write -P 2 64k 64k\naio_flush\n", "t");
        Engine e = new Engine(new Workload(HostFile.load(p), "c.qcow2", cmds, false, Policies::fifo));
        e.runToEnd();
        assertTrue(e.finished(), "nothing is left hanging");
        assertEquals(-1, e.node().sLock().ownerId(), "s->lock is free");
        assertTrue(e.node().stdoutLines().contains("aio_write failed: Operation not supported"),
                e.node().stdoutLines().toString());
        assertTrue(e.node().stdoutLines().contains("wrote 65536/65536 bytes at offset 65536"));
        assertEquals(java.util.List.of(), e.node().trackedRequests().list());
    }
}
