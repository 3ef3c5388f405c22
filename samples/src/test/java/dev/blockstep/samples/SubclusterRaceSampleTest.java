package dev.blockstep.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.session.EngineSession;
import dev.blockstep.engine.testing.Qemu;
import dev.blockstep.engine.trace.TraceRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * subcluster-race against real qemu: real qemu-io runs the sample's setup and its two commands on a fresh image, and
 * real qemu-img check of that image must print what it prints for the image the sample's replay leaves.
 */
class SubclusterRaceSampleTest {

    @Test
    void realQemuIoCorruptsTheSameWayAsTheReplay(@TempDir Path tmp) throws Exception {
        String img = tmp.resolve("real.qcow2").toString();
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", img, "16M").exitCode());
        assertEquals(0, Qemu.io("-f", "qcow2", "-c", "write -P 0x11 0 64k", "-c", "write -z 0 64k", img).exitCode());
        Qemu.Result io = Qemu.io("-f", "qcow2", "-c", "aio_write -P 0x22 0 32k", "-c", "aio_write -z -u 32k 32k",
                "-c", "aio_flush", img);
        assertEquals(0, io.exitCode(), io.stdout() + io.stderr());
        Qemu.Result real = Qemu.img("check", img);

        EngineSession s = SampleRuns.replay("subcluster-race", TraceRun.Options.DEFAULT);
        Qemu.Result replayed = SampleRuns.realCheck(s, tmp, "subcluster-race");

        assertEquals(2, real.exitCode(), real.stdout() + real.stderr());
        assertEquals(real.stderr(), replayed.stderr());
        assertEquals(real.stdout(), replayed.stdout());
        assertEquals(real.exitCode(), replayed.exitCode());
        assertTrue(SampleRuns.description("subcluster-race").contains("20 runs out of 20"));
    }
}
