package dev.blockstep.engine.race;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.coroutine.SplitMix64;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.session.Engine;
import dev.blockstep.engine.session.Workload;
import dev.blockstep.engine.testing.Qemu;
import dev.blockstep.trace.qemuio.QemuIoParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unaligned, zero-length, partial-cluster and past-the-end requests, all kinds mixed and in flight together,
 * under seeded random schedules with and without the fix: every run ends, and our checker agrees with real
 * qemu-img check on the result.
 */
class OddRequestsTest {
    @TempDir
    Path dir;

    private static String command(SplitMix64 r) {
        long size = 16L << 20;
        long off = switch (r.nextInt(4)) {
            case 0 -> r.nextInt(8) * 65536L;
            case 1 -> r.nextInt(512 * 1024);
            case 2 -> size - r.nextInt(131072);
            default -> r.nextInt(64) * 4096L;
        };
        long len = switch (r.nextInt(4)) {
            case 0 -> 65536;
            case 1 -> r.nextInt(3) * 4096L;
            case 2 -> r.nextInt(200000);
            default -> 131072;
        };
        return switch (r.nextInt(9)) {
            case 0, 1 -> "aio_write -P " + (1 + r.nextInt(255)) + " " + off + " " + len;
            case 2 -> "aio_write -z " + off + " " + len;
            case 3 -> "aio_write -z -u " + off + " " + len;
            case 4 -> "write -P 9 " + off + " " + len;
            case 5 -> "discard " + off + " " + len;
            case 6 -> "read " + off + " " + len;
            case 7 -> "flush";
            default -> "aio_flush";
        };
    }

    @Test
    void oddRequestsInFlightTogetherAlwaysFinishAndCheckAsQemuImgChecks() throws Exception {
        Path fresh = dir.resolve("fresh.qcow2");
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", fresh.toString(), "16M").exitCode());
        HostFile img = HostFile.load(fresh);
        for (long seed = 1; seed <= 30; seed++) {
            SplitMix64 r = new SplitMix64(seed);
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                lines.add(command(r));
            }
            var cmds = QemuIoParser.parseScript(String.join("\n", lines) + "\n", "seed " + seed);
            boolean fix = seed % 2 == 0;
            long sd = seed;
            Engine e = new Engine(new Workload(img, "img", cmds, FixVariant.of(fix), () -> Policies.seededRandom(sd)));
            e.runToEnd();
            assertTrue(e.finished(), "seed " + seed + ": " + lines);
            Path out = dir.resolve("odd-" + seed + ".qcow2");
            e.file().save(out);
            Checks.Output real = Checks.qemu(out);
            assertEquals(real, Checks.ours(out), "seed " + seed + ": " + lines);
            if (fix) {
                assertEquals(0, real.exit(), "seed " + seed + " with the fix: " + real.stderr() + lines);
            }
        }
    }
}
