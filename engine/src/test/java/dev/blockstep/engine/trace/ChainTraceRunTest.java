package dev.blockstep.engine.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.explore.Scenario;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.session.Engine;
import dev.blockstep.engine.testing.Qemu;
import dev.blockstep.trace.BackingLayer;
import dev.blockstep.trace.Command;
import dev.blockstep.trace.FixSetting;
import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.Metadata;
import dev.blockstep.trace.Producer;
import dev.blockstep.trace.Trace;
import dev.blockstep.trace.io.TraceFile;
import dev.blockstep.trace.io.TraceReader;
import dev.blockstep.trace.io.TraceWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trace that names a backing chain runs on that chain: each layer made and set up bottom first, the top
 * created with qemu-img's -b/-F header, and the result byte-identical to the same sessions run by qemu 7.2.
 */
class ChainTraceRunTest {
    private static final long MIB = 1 << 20;

    private static Command write(String co, long offset, long bytes, int pattern) {
        return new Command.Write(co != null, co, Producer.GUEST, offset, bytes, pattern, false, false, false);
    }

    /** base: 0x11 over [0, 128k); top over base.qcow2: 0x22 at [64k, 68k) (COW from the backing file). */
    static Trace chainTrace(ImageSetup baseImage) {
        BackingLayer base = new BackingLayer("base.qcow2", "qcow2", baseImage);
        ImageSetup top = new ImageSetup.Fresh(MIB, 65536, List.of(write(null, 65536, 4096, 0x22)), base);
        return Trace.of(Metadata.empty(), top, List.of(new Command.Read("r0", Producer.GUEST, 0, 65536, 0x11),
                write("w1", 139264, 4096, 0x33)), FixSetting.off());
    }

    private static ImageSetup freshBase() {
        return new ImageSetup.Fresh(MIB, 65536, List.of(write(null, 0, 131072, 0x11)));
    }

    /** The same sessions run by qemu-img and qemu-io 7.2; returns the top image's bytes. */
    private static byte[] qemuTop(Path dir) throws Exception {
        Path base = dir.resolve("q/base.qcow2");
        Path top = dir.resolve("q/top.qcow2");
        Files.createDirectories(top.getParent());
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", base.toString(), "1M").exitCode());
        assertEquals(0, Qemu.io("-f", "qcow2", "-c", "write -P 0x11 0 128k", base.toString()).exitCode());
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", top.toString(),
                "1M").exitCode());
        assertEquals(0, Qemu.io("-f", "qcow2", "-c", "write -P 0x22 64k 4k", top.toString()).exitCode());
        Qemu.Result r = Qemu.io("-f", "qcow2", "-c", "read -P 0x11 0 64k", "-c", "write -P 0x33 136k 4k",
                top.toString());
        assertEquals(0, r.exitCode(), r.stderr());
        return Files.readAllBytes(top);
    }

    private static byte[] bytes(HostFile f) {
        return f.read(0, (int) f.length());
    }

    @Test
    void aChainTraceRunsToTheBytesQemuWritesForTheSameSessions(@TempDir Path dir) throws Exception {
        byte[] want = qemuTop(dir);
        Path f = dir.resolve("chain.json");
        TraceWriter.write(chainTrace(freshBase()), f);
        TraceFile file = TraceReader.open(f);
        TraceRun.Result headless = TraceRun.headless(file, dir, "chain.json", TraceRun.Options.DEFAULT);
        assertEquals(List.of(), headless.stderr());
        assertArrayEquals(want, bytes(headless.image()));
        assertArrayEquals(want, bytes(TraceRun.run(TraceReader.read(f), dir, "chain.json",
                TraceRun.Options.DEFAULT).image()));
        Engine explored = Scenario.of("chain.json", TraceReader.read(f), dir).setup().newEngine();
        explored.runToEnd();
        assertArrayEquals(want, bytes(explored.file()));
    }

    @Test
    void aBaseFileLayerIsLoadedFromBesideTheTrace(@TempDir Path dir) throws Exception {
        byte[] want = qemuTop(dir);
        Files.copy(dir.resolve("q/base.qcow2"), dir.resolve("base-copy.qcow2"));
        Trace t = chainTrace(new ImageSetup.Base("base-copy.qcow2", null, List.of()));
        byte[] baseBefore = Files.readAllBytes(dir.resolve("base-copy.qcow2"));
        assertArrayEquals(want, bytes(TraceRun.run(t, dir, "t.json", TraceRun.Options.DEFAULT).image()));
        assertArrayEquals(baseBefore, Files.readAllBytes(dir.resolve("base-copy.qcow2")));
    }

    @Test
    void aBaseFileWhoseHeaderNamesAnotherBackingFileIsRefusedInOneLine(@TempDir Path dir) throws Exception {
        qemuTop(dir);
        Files.copy(dir.resolve("q/top.qcow2"), dir.resolve("top.qcow2"));
        ImageSetup top = new ImageSetup.Base("top.qcow2", null, List.of(),
                new BackingLayer("other.qcow2", "qcow2", freshBase()));
        Trace t = Trace.of(Metadata.empty(), top, List.of(new Command.Read("r0", Producer.GUEST, 0, 512, null)),
                FixSetting.off());
        TraceReplayException e = assertThrows(TraceReplayException.class,
                () -> TraceRun.run(t, dir, "t.json", TraceRun.Options.DEFAULT));
        assertEquals("t.json: image.base: the header names backing file base.qcow2 (format qcow2), expected "
                + "other.qcow2 (format qcow2) as the trace's backing says", e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void aLowerLayerIsSetUpOverTheLayersBelowIt() throws Exception {
        // mid's partial write copies base's bytes around it, so the top reads base's pattern through mid
        ImageSetup mid = new ImageSetup.Fresh(MIB, 65536, List.of(write(null, 0, 4096, 0x44)),
                new BackingLayer("base.qcow2", "qcow2", freshBase()));
        ImageSetup top = new ImageSetup.Fresh(MIB, 65536, List.of(), new BackingLayer("mid.qcow2", "qcow2", mid));
        Trace t = Trace.of(Metadata.empty(), top, List.of(new Command.Read("r0", Producer.GUEST, 4096, 61440, 0x11),
                new Command.Read("r1", Producer.GUEST, 0, 4096, 0x44)), FixSetting.off());
        Engine e = new Engine(TraceReplay.workload(t, Path.of("."), "t.json",
                dev.blockstep.engine.coroutine.Policies::fifo));
        e.runToEnd();
        assertTrue(e.finished());
        assertEquals(List.of("read 61440/61440 bytes at offset 4096", "read 4096/4096 bytes at offset 0"),
                e.node().stdoutLines().stream().filter(l -> l.startsWith("read")).toList(), e.node().stdoutLines().toString());
        assertFalse(e.node().stdoutLines().stream().anyMatch(l -> l.contains("verification failed")),
                e.node().stdoutLines().toString());
    }
}
