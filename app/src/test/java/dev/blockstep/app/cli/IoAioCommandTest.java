package dev.blockstep.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.testing.Qemu;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code blockstep io} with aio_write, aio_flush, --fix and --seed, checked by real qemu-img check. */
class IoAioCommandTest {
    private static final String[] R1 = {"-c", "aio_write -P 0x22 0 64k", "-c", "aio_write -z -u 0 64k", "-c", "aio_flush"};

    @TempDir
    Path dir;

    private Path zeroAllocImage(String name) {
        Path p = dir.resolve(name);
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", p.toString(), "16M").exitCode());
        assertEquals(0, Qemu.io("-f", "qcow2", "-c", "write -P 0x11 0 64k", p.toString()).exitCode());
        assertEquals(0, Qemu.io("-f", "qcow2", "-c", "write -z 0 64k", p.toString()).exitCode());
        return p;
    }

    private static String[] args(Path img, String... before) {
        List<String> a = new ArrayList<>(List.of("io"));
        a.addAll(List.of(before));
        a.addAll(List.of(R1));
        a.add(img.toString());
        return a.toArray(String[]::new);
    }

    @Test
    void aioWriteRacingAZeroWriteCorruptsTheImageAsQemuIoDoes() throws Exception {
        Path ours = zeroAllocImage("ours.qcow2");
        Path real = dir.resolve("real.qcow2");
        Files.copy(ours, real, StandardCopyOption.REPLACE_EXISTING);
        CheckCommandTest.Run run = CheckCommandTest.blockstep(args(ours));
        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals(2, run.stdout().lines().filter(l -> l.equals("wrote 65536/65536 bytes at offset 0")).count());
        List<String> qemuArgs = new ArrayList<>(List.of("-f", "qcow2"));
        qemuArgs.addAll(List.of(R1));
        qemuArgs.add(real.toString());
        Qemu.io(qemuArgs.toArray(String[]::new));
        Qemu.Result checkReal = Qemu.img("check", real.toString());
        Qemu.Result checkOurs = Qemu.img("check", ours.toString());
        assertEquals(2, checkReal.exitCode());
        assertEquals(checkReal.stderr(), checkOurs.stderr());
        assertEquals(checkReal.exitCode(), checkOurs.exitCode());
    }

    @Test
    void withFixTheSameScriptLeavesACleanImage() {
        Path img = zeroAllocImage("fixed.qcow2");
        assertEquals(0, CheckCommandTest.blockstep(args(img, "--fix")).exitCode());
        Qemu.Result check = Qemu.img("check", img.toString());
        assertEquals(0, check.exitCode(), check.stderr());
    }

    @Test
    void theSameSeedGivesTheSameBytes() throws Exception {
        Path a = zeroAllocImage("a.qcow2");
        Path b = zeroAllocImage("b.qcow2");
        List<String> script = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            script.add("-c");
            script.add((i % 3 == 0 ? "aio_write -P " + i : i % 3 == 1 ? "aio_write -z" : "aio_write -z -u")
                    + " " + (i % 4) * 65536 + " 64k");
        }
        script.addAll(List.of("-c", "aio_flush"));
        for (Path p : List.of(a, b)) {
            List<String> all = new ArrayList<>(List.of("io", "--seed", "42"));
            all.addAll(script);
            all.add(p.toString());
            assertEquals(0, CheckCommandTest.blockstep(all.toArray(String[]::new)).exitCode());
        }
        assertEquals(-1L, Files.mismatch(a, b));
    }

    @Test
    void aBadSeedIsOneLineNamingTheOption() {
        CheckCommandTest.Run r = CheckCommandTest.blockstep("io", "--seed", "x", "-c", "aio_flush", "img");
        assertEquals(1, r.exitCode());
        assertEquals(1, r.stderr().lines().count(), r.stderr());
        assertTrue(r.stderr().contains("--seed"));
    }
}
