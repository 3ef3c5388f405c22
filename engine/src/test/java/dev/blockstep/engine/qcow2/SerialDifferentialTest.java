package dev.blockstep.engine.qcow2;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 200+ seeded serial scripts, each through real qemu-io (one session) and through the engine from the same
 * start image; the resulting files must be byte-identical, lengths included, the result lines must agree,
 * and qemu-img check must find the engine's image clean.
 */
class SerialDifferentialTest {

    @TempDir
    Path dir;

    private static final long[] SIZES = {16L << 20, 64L << 20, 100L << 20, 512L << 20, 1L << 30, 2L << 30};
    private static final int[] CLUSTERS = {512, 1024, 4096, 16384, 65536, 2 << 20};

    @Test
    void generatedSerialScriptsLeaveByteIdenticalImages() throws Exception {
        List<String> failures = new ArrayList<>();
        int scripts = Integer.getInteger("blockstep.diff.scripts", 210);
        for (int seed = 0; seed < scripts; seed++) {
            long size = SIZES[seed % SIZES.length];
            int cluster = CLUSTERS[(seed / SIZES.length + seed) % CLUSTERS.length];
            int n = cluster >= (1 << 20) ? 15 : 40;
            List<String> script = new ScriptGenerator(seed, size, cluster).commands(n);
            boolean engineCreates = seed % 2 == 1;
            var o = Differential.run(dir, "s" + seed, size, cluster, script, engineCreates);
            String where = "seed " + seed + " size " + size + " cluster " + cluster
                    + (engineCreates ? " (engine-created start)" : " (qemu-created start)");
            long diff = o.firstDifference();
            if (diff >= 0) {
                failures.add(where + ": images differ at byte 0x" + Long.toHexString(diff) + " (qemu length "
                        + o.qemuImage().length + ", engine length " + o.engineImage().length + ")\n  script: "
                        + String.join("; ", script));
            } else if (!o.qemuLines().equals(o.engineLines())) {
                failures.add(where + ": output differs\n  qemu:   " + o.qemuLines() + "\n  engine: " + o.engineLines());
            } else if (o.engineCheckExit() != 0) {
                failures.add(where + ": qemu-img check on the engine image: " + o.engineCheck());
            }
            if (failures.size() >= 5) {
                break;
            }
        }
        assertEquals("", String.join("\n", failures));
    }
}
