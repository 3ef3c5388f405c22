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

    @Test
    void longSerialScriptsLeaveByteIdenticalImages() throws Exception {
        List<String> failures = new ArrayList<>();
        for (int seed = 0; seed < 8; seed++) {
            int cluster = CLUSTERS[seed % 5];
            long size = SIZES[seed % SIZES.length];
            List<String> script = new ScriptGenerator(5000 + seed, size, cluster).commands(300);
            var o = Differential.run(dir, "long" + seed, size, cluster, script, seed % 2 == 0);
            if (o.firstDifference() >= 0 || !o.qemuLines().equals(o.engineLines()) || o.engineCheckExit() != 0) {
                failures.add("seed " + seed + " cluster " + cluster + ": first difference at "
                        + o.firstDifference() + ", check exit " + o.engineCheckExit());
            }
        }
        assertEquals("", String.join("\n", failures));
    }

    @Test
    void everyRefcountWidthQemuCreatesIsHandledByteIdentically() throws Exception {
        List<String> failures = new ArrayList<>();
        int[] widths = {1, 2, 4, 8, 32, 64};
        for (int k = 0; k < widths.length * 2; k++) {
            int bits = widths[k % widths.length];
            int cluster = k < widths.length ? 512 : 65536;
            List<String> script = new ScriptGenerator(7000 + k, 64L << 20, cluster).commands(80);
            var o = Differential.run(dir, "rc" + k, 64L << 20, "cluster_size=" + cluster + ",refcount_bits=" + bits,
                    cluster, script, false);
            if (o.firstDifference() >= 0 || !o.qemuLines().equals(o.engineLines()) || o.engineCheckExit() != 0) {
                failures.add("refcount_bits " + bits + " cluster " + cluster + ": first difference at "
                        + o.firstDifference() + ", check exit " + o.engineCheckExit() + " " + o.engineCheck()
                        + "\n qemu " + o.qemuLines() + "\n ours " + o.engineLines());
            }
        }
        assertEquals("", String.join("\n", failures));
    }

    @Test
    void virtualSizesThatEndMidClusterAreHandledByteIdentically() throws Exception {
        List<String> failures = new ArrayList<>();
        long[] sizes = {1000000, (16L << 20) + 512, (3L << 20) + 4096 + 1536, 123456789};
        for (int k = 0; k < sizes.length * 2; k++) {
            long size = sizes[k % sizes.length];
            int cluster = k < sizes.length ? 65536 : 4096;
            List<String> script = new ArrayList<>(new ScriptGenerator(9000 + k, size, cluster).commands(60));
            long end = (size + 511) / 512 * 512;
            script.add("discard " + (end - end % cluster) + " " + end % cluster);
            script.add("write -z -u " + (end - 100) + " 100");
            var o = Differential.run(dir, "odd" + k, size, cluster, script, k % 2 == 1);
            if (o.firstDifference() >= 0 || !o.qemuLines().equals(o.engineLines()) || o.engineCheckExit() != 0) {
                failures.add("size " + size + " cluster " + cluster + ": first difference at " + o.firstDifference()
                        + ", check exit " + o.engineCheckExit() + "\n qemu " + o.qemuLines() + "\n ours " + o.engineLines());
            }
        }
        assertEquals("", String.join("\n", failures));
    }
}
