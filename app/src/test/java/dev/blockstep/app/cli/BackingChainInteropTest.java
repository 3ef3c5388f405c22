package dev.blockstep.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.blockstep.engine.qcow2.ScriptGenerator;
import dev.blockstep.engine.testing.Qemu;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded serial qemu-io scripts on a two-image chain (a qcow2 or raw base under a qcow2 top), run by real
 * qemu-io 7.2 and by {@code blockstep io}: same output, byte-identical top images, bases untouched; and each
 * tool reads through the other's chain.
 */
class BackingChainInteropTest {

    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void seededScriptsOnChainsGiveQemusOutputAndTopImages() throws Exception {
        List<String> failures = new ArrayList<>();
        for (int seed = 1; seed <= 12; seed++) {
            failures.addAll(runSeed(seed));
        }
        assertEquals("", String.join("\n", failures));
    }

    private List<String> runSeed(int seed) throws Exception {
        boolean rawBase = seed % 3 == 0;
        int topCluster = seed % 4 == 1 ? 4096 : 65536;
        long baseSize = 3 * MIB;
        long topSize = seed % 2 == 0 ? baseSize : 4 * MIB; // a top larger than its base reads zeroes past it
        Path q = Files.createDirectories(dir.resolve("q" + seed));
        Path b = Files.createDirectories(dir.resolve("b" + seed));
        String baseName = rawBase ? "base.raw" : "base.qcow2";
        Path base = q.resolve(baseName);
        ok(Qemu.img("create", "-q", "-f", rawBase ? "raw" : "qcow2", base.toString(), Long.toString(baseSize)));
        List<String> fill = new ArrayList<>(List.of("-f", rawBase ? "raw" : "qcow2"));
        for (String c : new ScriptGenerator(1000 + seed, baseSize, 65536).commands(25)) {
            fill.addAll(List.of("-c", c.replace("-u ", "").startsWith("discard") && rawBase ? "flush" : c));
        }
        fill.add(base.toString());
        Qemu.io(fill.toArray(String[]::new));
        Files.copy(base, b.resolve(baseName));
        byte[] baseBytes = Files.readAllBytes(base);

        List<String> out = new ArrayList<>();
        String[] create = {"-o", "cluster_size=" + topCluster, "-b", baseName, "-F", rawBase ? "raw" : "qcow2"};
        ok(Qemu.img(concat(new String[] {"create", "-q", "-f", "qcow2"}, create, q.resolve("top.qcow2").toString(),
                Long.toString(topSize))));
        var made = CreateAndIoCommandTest.run(null, concat(new String[] {"create", "-f", "qcow2"}, create,
                b.resolve("top.qcow2").toString(), Long.toString(topSize)));
        if (made.exitCode() != 0) {
            return List.of("seed " + seed + ": create failed: " + made.stderr());
        }
        if (!Arrays.equals(Files.readAllBytes(q.resolve("top.qcow2")), Files.readAllBytes(b.resolve("top.qcow2")))) {
            out.add("seed " + seed + ": created top images differ");
        }
        List<String> script = new ScriptGenerator(seed, topSize, topCluster).commands(40);
        List<String> args = new ArrayList<>();
        for (String c : script) {
            args.addAll(List.of("-c", c));
        }
        var theirs = Qemu.io(concat(new String[] {"-f", "qcow2"}, args.toArray(String[]::new),
                q.resolve("top.qcow2").toString()));
        var ours = CreateAndIoCommandTest.run(null, concat(new String[] {"io"}, args.toArray(String[]::new),
                b.resolve("top.qcow2").toString()));
        String what = "seed " + seed + " (" + baseName + ", top cluster " + topCluster + ", top " + topSize + ")";
        if (!CreateAndIoCommandTest.untimed(theirs.stdout()).equals(CreateAndIoCommandTest.untimed(ours.stdout()))) {
            out.add(what + ": output differs: " + firstDifference(CreateAndIoCommandTest.untimed(theirs.stdout()),
                    CreateAndIoCommandTest.untimed(ours.stdout())));
        }
        if (theirs.exitCode() != ours.exitCode()) {
            out.add(what + ": exit " + ours.exitCode() + ", qemu-io " + theirs.exitCode() + " " + ours.stderr());
        }
        if (!Arrays.equals(Files.readAllBytes(q.resolve("top.qcow2")), Files.readAllBytes(b.resolve("top.qcow2")))) {
            out.add(what + ": top images differ");
        }
        if (!Arrays.equals(baseBytes, Files.readAllBytes(b.resolve(baseName)))) {
            out.add(what + ": blockstep changed the backing file");
        }
        // qemu reads through blockstep's chain, and blockstep through qemu's
        var compare = Qemu.img("compare", q.resolve("top.qcow2").toString(), b.resolve("top.qcow2").toString());
        if (compare.exitCode() != 0) {
            out.add(what + ": qemu-img compare: " + compare.stdout() + compare.stderr());
        }
        Path view = dir.resolve("view" + seed + ".raw");
        ok(Qemu.img("convert", "-O", "raw", q.resolve("top.qcow2").toString(), view.toString()));
        List<String> readArgs = new ArrayList<>();
        for (String c : reads(seed, Files.readAllBytes(view))) {
            readArgs.addAll(List.of("-c", c));
        }
        var qemuReads = Qemu.io(concat(new String[] {"-f", "qcow2", "-r"}, readArgs.toArray(String[]::new),
                b.resolve("top.qcow2").toString()));
        var ourReads = CreateAndIoCommandTest.run(null, concat(new String[] {"io"}, readArgs.toArray(String[]::new),
                q.resolve("top.qcow2").toString()));
        if (!CreateAndIoCommandTest.untimed(qemuReads.stdout()).equals(CreateAndIoCommandTest.untimed(ourReads.stdout()))) {
            out.add(what + ": cross reads differ");
        }
        return out;
    }

    /**
     * Verifying reads of runs of one byte value in the guest view qemu sees ({@code read -P V off len}), so
     * both tools' outputs carry whether they see the same data there.
     */
    private static List<String> reads(long seed, byte[] view) {
        Random r = new Random(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            int off = r.nextInt(view.length);
            int end = off;
            while (end < view.length && end - off < 70000 && view[end] == view[off]) {
                end++;
            }
            out.add("read -P 0x" + Integer.toHexString(view[off] & 0xff) + " " + off + " " + (end - off));
        }
        return out;
    }

    /** The first line where qemu's and blockstep's outputs differ, with the command that printed it. */
    private static String firstDifference(String theirs, String ours) {
        String[] a = theirs.split("\n");
        String[] b = ours.split("\n");
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            String x = i < a.length ? a[i] : "<end>";
            String y = i < b.length ? b[i] : "<end>";
            if (!x.equals(y)) {
                return "line " + (i + 1) + ": qemu-io '" + x + "', blockstep '" + y + "'";
            }
        }
        return "none";
    }

    private static void ok(Qemu.Result r) {
        assertEquals(0, r.exitCode(), r.stderr());
    }

    private static String[] concat(String[] head, String[] mid, String... tail) {
        List<String> all = new ArrayList<>(Arrays.asList(head));
        all.addAll(Arrays.asList(mid));
        all.addAll(Arrays.asList(tail));
        return all.toArray(String[]::new);
    }
}
