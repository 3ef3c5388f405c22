package dev.blockstep.engine.qcow2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qemuio.EngineIo;
import dev.blockstep.engine.testing.Qemu;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Images cross between qemu and the engine in both directions and read back the same data. */
class InteropTest {

    @TempDir
    Path dir;

    private record Extent(long offset, int length, int pattern) {
    }

    /** Non-overlapping extents of mixed sizes and alignments, one pattern each. */
    private static List<Extent> extents(long seed, int cluster) {
        Random r = new Random(seed);
        List<Extent> out = new ArrayList<>();
        long at = 0;
        for (int i = 0; i < 25; i++) {
            at += r.nextInt(3 * cluster) / 512 * 512 + (r.nextBoolean() ? r.nextInt(512) : 0);
            int len = 1 + r.nextInt(3 * cluster);
            out.add(new Extent(at, len, 1 + r.nextInt(255)));
            at += len;
        }
        return out;
    }

    @Test
    void theEngineReadsWhatQemuWrote() throws Exception {
        for (int cluster : new int[] {512, 4096, 65536}) {
            Path img = dir.resolve("q" + cluster + ".qcow2");
            Qemu.img("create", "-q", "-f", "qcow2", "-o", "cluster_size=" + cluster, img.toString(), "64M");
            List<String> args = new ArrayList<>(List.of("-f", "qcow2"));
            List<Extent> ex = extents(cluster, cluster);
            for (Extent e : ex) {
                args.add("-c");
                args.add("write -q -P " + e.pattern() + " " + e.offset() + " " + e.length());
            }
            args.add("-c");
            args.add("write -q -z -u " + ex.get(3).offset() + " " + ex.get(3).length());
            args.add(img.toString());
            assertEquals(0, Qemu.io(args.toArray(String[]::new)).exitCode());
            List<String> reads = new ArrayList<>();
            for (int i = 0; i < ex.size(); i++) {
                Extent e = ex.get(i);
                reads.add("read -q -P " + (i == 3 ? 0 : e.pattern()) + " " + e.offset() + " " + e.length());
            }
            reads.add("read -q -P 0 " + (60L << 20) + " 4096");
            EngineIo.Run run = EngineIo.run(HostFile.load(img), reads);
            assertEquals(List.of(), run.out(), "cluster " + cluster);
            assertFalse(run.failed(), "cluster " + cluster);
        }
    }

    @Test
    void qemuReadsWhatTheEngineWrote() throws Exception {
        for (int cluster : new int[] {512, 4096, 65536, 2 << 20}) {
            Path img = dir.resolve("e" + cluster + ".qcow2");
            List<Extent> ex = extents(cluster + 7, cluster);
            List<String> script = new ArrayList<>();
            for (Extent e : ex) {
                script.add(write(e));
            }
            script.add("write -q -z -u " + ex.get(5).offset() + " " + ex.get(5).length());
            script.add("discard -q 0 " + (256L << 20));
            script.add(write(ex.get(7)));
            HostFile f = EngineIo.run(Qcow2Create.create(256L << 20, cluster), script).file();
            f.save(img);
            List<String> args = new ArrayList<>(List.of("-r", "-f", "qcow2"));
            args.add("-c");
            args.add("read -q -P " + ex.get(7).pattern() + " " + ex.get(7).offset() + " " + ex.get(7).length());
            args.add("-c");
            args.add("read -q -P 0 " + (ex.get(7).offset() + ex.get(7).length()) + " 65536");
            args.add(img.toString());
            var r = Qemu.io(args.toArray(String[]::new));
            assertEquals(0, r.exitCode(), "cluster " + cluster + ": " + r.stdout() + r.stderr());

            // and before the discard: a second image where every extent stays
            Path img2 = dir.resolve("e2-" + cluster + ".qcow2");
            List<String> writes = new ArrayList<>();
            for (Extent e : ex) {
                writes.add(write(e));
            }
            HostFile f2 = EngineIo.run(Qcow2Create.create(256L << 20, cluster), writes).file();
            f2.save(img2);
            List<String> reads = new ArrayList<>(List.of("-r", "-f", "qcow2"));
            for (Extent e : ex) {
                reads.add("-c");
                reads.add("read -q -P " + e.pattern() + " " + e.offset() + " " + e.length());
            }
            reads.add(img2.toString());
            var r2 = Qemu.io(reads.toArray(String[]::new));
            assertEquals(0, r2.exitCode(), "cluster " + cluster + ": " + r2.stdout());
            assertTrue(Qemu.img("check", img2.toString()).stdout().contains("No errors"));
        }
    }

    private static String write(Extent e) {
        return "write -q -P " + e.pattern() + " " + e.offset() + " " + e.length();
    }
}
