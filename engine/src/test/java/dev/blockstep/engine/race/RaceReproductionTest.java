package dev.blockstep.engine.race;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.session.EngineSession;
import dev.blockstep.engine.session.ScriptRun;
import dev.blockstep.engine.session.Workload;
import dev.blockstep.engine.snapshot.CoState;
import dev.blockstep.engine.snapshot.CoroutineView;
import dev.blockstep.engine.snapshot.Snapshot;
import dev.blockstep.engine.snapshot.TrackedRequestView;
import dev.blockstep.engine.testing.Qemu;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import dev.blockstep.trace.qemuio.QemuIoParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The race of the facts' section 5.2, on an image that real qemu prepared, compared with real qemu-img check
 * and with our checker on the exported file.
 */
class RaceReproductionTest {
    private static final String W = "aio_write -P 0x22 0 64k";
    private static final String Z = "aio_write -z -u 0 64k";

    @TempDir
    Path dir;

    /** g0 = ZERO_ALLOC at 0x50000, made by real qemu in two sessions. */
    private Path zeroAllocBase() {
        Path p = dir.resolve("base.qcow2");
        assertEquals(0, Qemu.img("create", "-f", "qcow2", p.toString(), "16M").exitCode());
        assertEquals(0, Qemu.io("-f", "qcow2", "-c", "write -P 0x11 0 64k", p.toString()).exitCode());
        assertEquals(0, Qemu.io("-f", "qcow2", "-c", "write -z 0 64k", p.toString()).exitCode());
        return p;
    }

    private static List<QemuIoCommand> parse(String... lines) throws Exception {
        return QemuIoParser.parseScript(String.join("\n", lines) + "\n", "test");
    }

    private EngineSession session(Path base, boolean fix, String... lines) throws Exception {
        return new EngineSession(new Workload(HostFile.load(base), "base.qcow2", parse(lines), FixVariant.of(fix), Policies::fifo));
    }

    private static CoroutineView co(Snapshot s, int id) {
        return s.coroutines().get(id);
    }

    /** Steps coroutine {@code id} (the only choice while it is forced) until {@code until} holds. */
    private static Snapshot stepUntil(EngineSession s, int id, Predicate<Snapshot> until) {
        Snapshot cur = s.current();
        while (!until.test(cur)) {
            List<Integer> r = s.engine().scheduler().runnable();
            cur = s.stepCoroutine(r.size() == 1 ? r.get(0) : id);
        }
        return cur;
    }

    private Path export(HostFile f, String name) throws IOException {
        Path p = dir.resolve(name);
        f.save(p);
        return p;
    }

    private static void assertSameCheck(Checks.Output real, Checks.Output ours) {
        assertEquals(real.stderr(), ours.stderr(), "check stderr");
        assertEquals(real.stdout(), ours.stdout(), "check stdout");
        assertEquals(real.exit(), ours.exit());
    }

    /** Hand-driven: W chooses H in place and drops the lock; Z zeroes and frees H; W relinks H. */
    private EngineSession unfixedInterleaving(Path base) throws Exception {
        EngineSession s = session(base, false, W, Z, "aio_flush");
        stepUntil(s, 0, c -> c.coroutines().size() > 1 && "qcow2_writev_data".equals(co(c, 1).phase()));
        Snapshot z = stepUntil(s, 0, c -> c.coroutines().size() > 2 && co(c, 2).state() == CoState.WAITING_LOCK);
        assertEquals(1, z.lock().owner(), "W holds s->lock after choosing its host offset");
        Snapshot afterData = s.stepCoroutine(1);
        assertEquals(CoState.IN_DATA_IO, co(afterData, 1).state());
        assertEquals(List.of(1), afterData.lock().droppedForDataIo());
        stepUntil(s, 2, c -> co(c, 2).state() == CoState.DONE);
        stepUntil(s, 1, c -> co(c, 1).state() == CoState.DONE);
        return s;
    }

    @Test
    void theMinimalInterleavingEndsInQemuImgChecksExactErrors() throws Exception {
        Path base = zeroAllocBase();
        EngineSession s = unfixedInterleaving(base);
        stepUntil(s, 0, Snapshot::finished);
        Path out = export(s.engine().file(), "r1.qcow2");
        Checks.Output real = Checks.qemu(out);
        assertEquals(2, real.exit());
        assertEquals("ERROR cluster 5 refcount=0 reference=1\n"
                + "ERROR OFLAG_COPIED data cluster: l2_entry=8000000000050000 refcount=0\n", real.stderr());
        assertSameCheck(real, Checks.ours(out));
        assertEquals(List.of(), s.current().stderr());
    }

    @Test
    void withTheFixTheZeroWriteIsShownWaitingOnTheWriterAndTheImageIsClean() throws Exception {
        Path base = zeroAllocBase();
        EngineSession s = session(base, true, W, Z, "aio_flush");
        stepUntil(s, 0, c -> c.coroutines().size() > 1 && "qcow2_writev_data".equals(co(c, 1).phase()));
        Snapshot z = stepUntil(s, 0, c -> c.coroutines().size() > 2 && !co(c, 2).state().canStep());
        assertEquals(CoState.WAITING_TRACKED_REQUEST, co(z, 2).state());
        assertTrue(co(z, 2).serialising());
        TrackedRequestView zr = z.trackedRequests().stream().filter(t -> t.coroutineId() == 2).findFirst().orElseThrow();
        TrackedRequestView wr = z.trackedRequests().stream().filter(t -> t.coroutineId() == 1).findFirst().orElseThrow();
        assertEquals(wr.id(), zr.waitingFor());
        assertEquals(0, zr.overlapOffset());
        assertEquals(65536, zr.overlapBytes());
        while (!s.current().finished()) {
            s.step();
        }
        Path out = export(s.engine().file(), "fixed.qcow2");
        Checks.Output real = Checks.qemu(out);
        assertEquals(0, real.exit(), real.stderr());
        assertSameCheck(real, Checks.ours(out));
    }

    /** Runs {@code lines} through real qemu-io -c on a copy of {@code base}. */
    private Path realQemuIo(Path base, String name, String... lines) throws IOException {
        Path p = dir.resolve(name);
        Files.copy(base, p, StandardCopyOption.REPLACE_EXISTING);
        List<String> args = new ArrayList<>(List.of("-f", "qcow2"));
        for (String l : lines) {
            args.add("-c");
            args.add(l);
        }
        args.add(p.toString());
        Qemu.io(args.toArray(String[]::new));
        return p;
    }

    private ScriptRun engineRun(Path base, String... lines) throws Exception {
        return ScriptRun.run(HostFile.load(base), "img", parse(lines), FixVariant.NONE, null);
    }

    @Test
    void fifoReproducesR1AndR2AsRealQemuIoInCommandMode() throws Exception {
        Path base = zeroAllocBase();
        String[][] cases = {{W, Z, "aio_flush"}, {W, Z, "aio_write -P 0x33 64k 64k", "aio_flush"}};
        for (String[] lines : cases) {
            Path ours = export(engineRun(base, lines).file(), "ours.qcow2");
            Path real = realQemuIo(base, "real.qcow2", lines);
            Checks.Output r = Checks.qemu(real);
            assertEquals(2, r.exit(), String.join("; ", lines));
            assertEquals(r, Checks.qemu(ours), String.join("; ", lines));
            assertSameCheck(r, Checks.ours(ours));
        }
    }

    @Test
    void laterSessionsOnTheR1ImageBehaveAsInQemuR3R4R5() throws Exception {
        Path base = zeroAllocBase();
        Path r1 = realQemuIo(base, "r1.qcow2", W, Z, "aio_flush");
        for (String next : List.of("write -P 0x44 64k 64k", "write -z -u 0 64k", "discard 0 64k", "write -z 0 64k")) {
            ScriptRun run = engineRun(r1, next);
            Path ours = export(run.file(), "next.qcow2");
            Path realImg = dir.resolve("real-next.qcow2");
            Files.copy(r1, realImg, StandardCopyOption.REPLACE_EXISTING);
            Qemu.Result q = Qemu.io("-f", "qcow2", "-c", next, realImg.toString());
            assertEquals(q.stderr(), String.join("", run.stderr().stream().map(l -> l + "\n").toList()), next);
            assertEquals(Checks.qemu(realImg), Checks.qemu(ours), next);
            assertSameCheck(Checks.qemu(realImg), Checks.ours(ours));
            assertEquals(-1L, Files.mismatch(realImg, ours), next + ": byte-identical image");
            if (next.equals("write -z -u 0 64k")) {
                // R4: the dangling entry is freed again; qemu complains, and the image then checks clean.
                assertEquals(List.of("qcow2_free_clusters failed: Invalid argument"), run.stderr());
                assertEquals(0, Checks.qemu(ours).exit());
            }
            if (next.equals("write -z 0 64k")) {
                assertTrue(Checks.qemu(ours).stderr().contains(
                        "ERROR OFLAG_COPIED data cluster: l2_entry=8000000000050001 refcount=0"), "R5");
            }
        }
    }
}
