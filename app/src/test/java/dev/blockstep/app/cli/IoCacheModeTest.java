package dev.blockstep.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.block.BlockStack;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.Qcow2Create;
import dev.blockstep.engine.qemuio.QemuIoScript;
import dev.blockstep.engine.testing.Qemu;
import dev.blockstep.trace.NodeOptions;
import dev.blockstep.trace.NodeOptions.Cache;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * qemu-io's -t and -n: the cache mode qemu-io's bdrv_parse_cache_mode gives (writethrough by default, which makes
 * every write FUA), carried into the engine, and every mode accepted as qemu-io accepts it.
 */
class IoCacheModeTest {

    @TempDir
    Path dir;

    private static Cache parsed(String... args) {
        IoCommand io = new IoCommand();
        new CommandLine(io).parseArgs(args);
        return io.cacheMode();
    }

    @Test
    void optionsMapToQemuIosCacheModes() {
        assertNull(parsed("img"), "no option: qemu-io's own default (writethrough)");
        assertEquals(Cache.NONE, parsed("-n", "img"));
        assertEquals(Cache.NONE, parsed("-t", "off", "img"));
        assertEquals(Cache.WRITEBACK, parsed("-t", "writeback", "img"));
        assertEquals(Cache.WRITETHROUGH, parsed("-t", "writethrough", "img"));
        assertEquals(Cache.DIRECTSYNC, parsed("-t", "directsync", "img"));
        assertEquals(Cache.UNSAFE, parsed("--cache=unsafe", "img"));
    }

    /** Writethrough adds a flush step to every write; the image ends the same. */
    @Test
    void writethroughFlushesAfterEveryWriteAndWritebackDoesNot() throws Exception {
        List<String> script = List.of("aio_write -P 1 0 64k", "aio_write -P 2 64k 64k", "aio_flush");
        QemuIoScript.Result through = run(null, script);
        QemuIoScript.Result back = run(new NodeOptions(null, null, Cache.WRITEBACK), script);
        assertTrue(through.steps() > back.steps(), through.steps() + " steps writethrough, " + back.steps()
                + " writeback");
        assertEquals(through.file().length(), back.file().length());
        assertArrayEquals(through.file().read(0, (int) through.file().length()),
                back.file().read(0, (int) back.file().length()));
    }

    /**
     * reopen -c changes the mode for the requests after it, as qemu-io's reopen_f does (blk_set_enable_write_cache):
     * from writethrough to writeback drops the flush step of each write after it, and back again adds it; without
     * -c the mode stays.
     */
    @Test
    void reopenWithACacheModeChangesTheWritesAfterIt() throws Exception {
        List<String> writes = List.of("aio_write -P 1 0 64k", "aio_write -P 2 64k 64k", "aio_flush");
        int through = run(null, prefixed("reopen", writes)).steps();
        int toWriteback = run(null, prefixed("reopen -c writeback", writes)).steps();
        int toUnsafe = run(null, prefixed("reopen -c unsafe", writes)).steps();
        int back = run(new NodeOptions(null, null, Cache.WRITEBACK), prefixed("reopen", writes)).steps();
        int toThrough = run(new NodeOptions(null, null, Cache.WRITEBACK), prefixed("reopen -c writethrough", writes))
                .steps();
        int toDirectsync = run(new NodeOptions(null, null, Cache.WRITEBACK), prefixed("reopen -c directsync", writes))
                .steps();
        assertEquals(back, toWriteback, "writethrough, then reopen -c writeback");
        // unsafe's flush at close skips the host file's fdatasync, a step writeback takes
        assertEquals(run(new NodeOptions(null, null, Cache.UNSAFE), prefixed("reopen", writes)).steps(), toUnsafe,
                "writethrough, then reopen -c unsafe");
        assertTrue(toUnsafe < back, toUnsafe + " steps after reopen -c unsafe, " + back + " writeback");
        assertEquals(through, toThrough, "writeback, then reopen -c writethrough");
        assertEquals(through, toDirectsync, "writeback, then reopen -c directsync");
        assertTrue(through > back, through + " steps writethrough, " + back + " writeback");
    }

    private static List<String> prefixed(String first, List<String> rest) {
        List<String> all = new java.util.ArrayList<>(List.of(first));
        all.addAll(rest);
        return all;
    }

    private static QemuIoScript.Result run(NodeOptions options, List<String> script) throws Exception {
        HostFile img = Qcow2Create.create(1 << 20, 65536);
        return QemuIoScript.run(img, null, false, BlockStack.of(null, options), "img", script, i -> "-c", false,
                FixVariant.NONE, null, new QemuIoScript.Console() {
                    @Override
                    public void out(String text) {
                    }

                    @Override
                    public void err(String line) {
                    }
                });
    }

    /** qemu-io's default mode, named, was refused before; now each mode runs as qemu-io runs it. */
    @Test
    void everyCacheModeRunsAsQemuIoRunsIt() throws Exception {
        for (String mode : List.of("writethrough", "writeback", "unsafe", "none")) {
            Path ours = dir.resolve("ours-" + mode + ".qcow2");
            Path theirs = dir.resolve("theirs-" + mode + ".qcow2");
            assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", ours.toString(), "1M").exitCode());
            Files.copy(ours, theirs);
            CreateAndIoCommandTest.Run b = CreateAndIoCommandTest.run(null, "io", "-t", mode, "-c",
                    "write -P 7 0 64k", "-c", "read -P 7 0 64k", ours.toString());
            Qemu.Result q = Qemu.io("-t", mode, "-c", "write -P 7 0 64k", "-c", "read -P 7 0 64k", theirs.toString());
            assertEquals(q.exitCode(), b.exitCode(), mode + ": " + b.stderr());
            assertEquals(q.stderr(), b.stderr(), mode);
            assertEquals(q.stdout().replaceAll("\\d+\\.\\d+ sec.*", ""), b.stdout().replaceAll("\\d+\\.\\d+ sec.*", ""),
                    mode);
            assertArrayEquals(Files.readAllBytes(theirs), Files.readAllBytes(ours), mode);
        }
    }
}
