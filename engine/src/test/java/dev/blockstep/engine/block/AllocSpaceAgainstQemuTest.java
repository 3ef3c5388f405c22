package dev.blockstep.engine.block;

import dev.blockstep.engine.fix.FixVariant;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.event.EngineEventSink;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.session.EngineSession;
import dev.blockstep.engine.session.Workload;
import dev.blockstep.engine.testing.Qemu;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * handle_alloc_space against real qemu-io: a write of one half of a cluster zeroes the new cluster on the file
 * instead of copying the other half (qcow2_skip_cow) exactly when is_zero_cow's block status finds the other half
 * reading as zero. Real qemu 7.2 does so over an unallocated cluster and over both kinds of zero cluster, not over
 * data, and the engine must take the same path, which decides whether s->lock is dropped again in link_l2.
 */
class AllocSpaceAgainstQemuTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "after [{0}]")
    @ValueSource(strings = {"", "write -z -u 64k 64k", "write -z 64k 64k", "discard 64k 64k",
            "write -P 0x33 64k 64k"})
    void theHalfWriteSkipsCopyOnWriteWhereRealQemuDoes(String before) throws Exception {
        Path img = dir.resolve("img.qcow2");
        Qemu.img("create", "-q", "-f", "qcow2", img.toString(), "16M");
        Qemu.io("-f", "qcow2", "-c", "write -P 0x11 0 512k", "-c", "write -z 0 512k", img.toString());
        if (!before.isEmpty()) {
            Qemu.io("-f", "qcow2", "-c", before, img.toString());
        }
        HostFile start = HostFile.load(img);

        Qemu.Result real = Qemu.io("-f", "qcow2", "-T", "qcow2_skip_cow", "-c", "write -P 0x4e 64k 32k",
                img.toString());
        assertEquals(0, real.exitCode(), real.stderr());
        boolean realSkips = real.stderr().contains("qcow2_skip_cow");

        EngineSession s = new EngineSession(new Workload(start, "img", List.of(
                new QemuIoCommand.Write(65536, 32768, 0x4e, false, false, false)), FixVariant.NONE, Policies::fifo));
        while (!s.current().finished()) {
            s.step();
        }
        boolean engineSkips = s.steps().stream().anyMatch(st -> st.name().equals("qcow2_skip_cow"));
        assertEquals(realSkips, engineSkips, "after '" + before + "': real qemu " + (realSkips ? "skips" : "does")
                + " the copy-on-write");
    }
}
