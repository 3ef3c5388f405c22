package dev.blockstep.engine.race;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.session.Engine;
import dev.blockstep.engine.session.ScriptRun;
import dev.blockstep.engine.session.Workload;
import dev.blockstep.engine.snapshot.Step;
import dev.blockstep.engine.testing.Qemu;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Randomised workloads in the style of the upstream regression test: 5000 commands of aio_write -P, -z and
 * -z -u over 8 clusters, aio_flush every 50, each run under a seeded random schedule.
 *
 * <p>What "detected" means here: for every run, the image is exported and checked by real qemu-img check and
 * by our checker, which must agree line for line; a run is corrupt when qemu-img check exits 2. Unfixed,
 * some runs must be corrupt (the race is reachable), and every fixed run must be clean.
 */
class RandomWorkloadTest {
    static final int SEEDS = 20;
    static final int COMMANDS = 5000;

    @TempDir
    Path dir;

    private HostFile freshImage() throws Exception {
        Path p = dir.resolve("fresh.qcow2");
        assertEquals(0, Qemu.img("create", "-f", "qcow2", p.toString(), "16M").exitCode());
        return HostFile.load(p);
    }

    @Test
    void unfixedRunsCorruptAsQemuDoesAndEveryFixedRunIsClean() throws Exception {
        HostFile fresh = freshImage();
        int corrupt = 0;
        int freeFailed = 0;
        StringBuilder report = new StringBuilder();
        for (long seed = 1; seed <= SEEDS; seed++) {
            List<QemuIoCommand> cmds = Workloads.contended(seed, COMMANDS, 50);
            ScriptRun off = ScriptRun.run(fresh, "img", cmds, FixVariant.NONE, seed);
            assertFalse(off.stuck(), "seed " + seed + " unfixed deadlocked");
            Path offImg = dir.resolve("off-" + seed + ".qcow2");
            off.file().save(offImg);
            Checks.Output real = Checks.qemu(offImg);
            Checks.Output ours = Checks.ours(offImg);
            assertEquals(real.stderr(), ours.stderr(), "seed " + seed + " unfixed: check stderr");
            assertEquals(real.stdout(), ours.stdout(), "seed " + seed + " unfixed: check stdout");
            assertEquals(real.exit(), ours.exit(), "seed " + seed + " unfixed: check exit");
            if (real.exit() == 2) {
                corrupt++;
            }
            long ff = off.stderr().stream().filter(l -> l.equals("qcow2_free_clusters failed: Invalid argument")).count();
            freeFailed += (int) ff;
            report.append("seed ").append(seed).append(": unfixed exit ").append(real.exit()).append(", ")
                    .append(ff).append(" free-failed lines, ").append(off.steps()).append(" steps");

            ScriptRun on = ScriptRun.run(fresh, "img", cmds, FixVariant.PATCH, seed);
            assertFalse(on.stuck(), "seed " + seed + " fixed deadlocked");
            Path onImg = dir.resolve("on-" + seed + ".qcow2");
            on.file().save(onImg);
            Checks.Output realOn = Checks.qemu(onImg);
            assertEquals(0, realOn.exit(), "seed " + seed + " with the fix: " + realOn.stderr());
            assertEquals(realOn, Checks.ours(onImg), "seed " + seed + " fixed: our checker");
            assertEquals(List.of(), on.stderr(), "seed " + seed + " with the fix prints nothing on stderr");
            report.append("; fixed clean, ").append(on.steps()).append(" steps\n");
            Files.delete(offImg);
            Files.delete(onImg);
        }
        System.out.println("[RandomWorkloadTest] " + corrupt + " of " + SEEDS + " unfixed runs corrupt, "
                + freeFailed + " free-failed lines in all\n" + report);
        assertTrue(corrupt > 0, "the race is reachable: some unfixed run is corrupt\n" + report);
    }

    private static String fingerprint(Engine e, List<Step> steps) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (Step s : steps) {
            md.update((s.coroutine() + " " + s.name() + " " + s.runnable() + "\n").getBytes());
        }
        Path tmp = Files.createTempFile("fp", ".qcow2");
        e.file().save(tmp);
        md.update(Files.readAllBytes(tmp));
        Files.delete(tmp);
        return java.util.HexFormat.of().formatHex(md.digest());
    }

    private String runFingerprint(HostFile img, List<QemuIoCommand> cmds, long seed) throws Exception {
        Engine e = new Engine(new Workload(img, "img", cmds, FixVariant.NONE, () -> Policies.seededRandom(seed)));
        List<Step> steps = new java.util.ArrayList<>();
        Step s;
        while ((s = e.step()) != null) {
            steps.add(s);
        }
        return fingerprint(e, steps);
    }

    @Test
    void theSameSeedGivesTheSameStepsAndIdenticalBytes() throws Exception {
        HostFile fresh = freshImage();
        List<QemuIoCommand> cmds = Workloads.contended(7, 1000, 50);
        String a = runFingerprint(fresh, cmds, 7);
        assertEquals(a, runFingerprint(fresh, cmds, 7));
        assertFalse(a.equals(runFingerprint(fresh, cmds, 8)), "another seed gives another schedule");
    }

    @Test
    void withTheFixPctSchedulesStayCleanToo() throws Exception {
        HostFile fresh = freshImage();
        for (long seed = 1; seed <= 5; seed++) {
            List<QemuIoCommand> cmds = Workloads.contended(100 + seed, 2000, 50);
            long sd = seed;
            Engine e = new Engine(new Workload(fresh, "img", cmds, FixVariant.PATCH, () -> Policies.pct(sd, 3, 40000)));
            e.runToEnd();
            assertTrue(e.finished(), "seed " + seed);
            Path img = dir.resolve("pct-" + seed + ".qcow2");
            e.file().save(img);
            Checks.Output real = Checks.qemu(img);
            assertEquals(0, real.exit(), "PCT seed " + seed + ": " + real.stderr());
            assertEquals(List.of(), e.node().stderrLines());
        }
    }

    @Test
    void guestTrafficWithoutOverlappingRequestsInFlightNeverCorruptsWhateverTheSchedule() throws Exception {
        HostFile fresh = freshImage();
        for (long seed = 1; seed <= SEEDS; seed++) {
            List<QemuIoCommand> cmds = Workloads.guestOrdered(seed, 2000);
            ScriptRun run = ScriptRun.run(fresh, "img", cmds, FixVariant.NONE, seed * 31);
            Path img = dir.resolve("g-" + seed + ".qcow2");
            run.file().save(img);
            Checks.Output real = Checks.qemu(img);
            assertEquals(0, real.exit(), "seed " + seed + ": " + real.stderr());
            assertEquals(List.of(), run.stderr(), "seed " + seed);
            Files.delete(img);
        }
        for (long seed = 1; seed <= 5; seed++) {
            long sd = seed;
            Engine e = new Engine(new Workload(fresh, "img", Workloads.guestOrdered(seed, 2000), FixVariant.NONE,
                    () -> Policies.pct(sd, 3, 40000)));
            e.runToEnd();
            Path img = dir.resolve("gp-" + seed + ".qcow2");
            e.file().save(img);
            assertEquals(0, Checks.qemu(img).exit(), "PCT seed " + seed);
        }
    }
}
