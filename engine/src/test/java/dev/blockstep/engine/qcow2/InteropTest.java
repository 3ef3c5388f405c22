package dev.blockstep.engine.qcow2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.event.EngineEventSink;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.testing.Qemu;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
            SerialRequests io = new SerialRequests(Qcow2Driver.open(HostFile.load(img), "q", EngineEventSink.NONE), 0);
            for (int i = 0; i < ex.size(); i++) {
                Extent e = ex.get(i);
                byte[] expected = new byte[e.length()];
                Arrays.fill(expected, (byte) (i == 3 ? 0 : e.pattern()));
                assertArrayEquals(expected, io.read(e.offset(), e.length()), "cluster " + cluster + " extent " + i);
            }
            assertArrayEquals(new byte[4096], io.read(60L << 20, 4096));
        }
    }

    @Test
    void qemuReadsWhatTheEngineWrote() throws Exception {
        for (int cluster : new int[] {512, 4096, 65536, 2 << 20}) {
            Path img = dir.resolve("e" + cluster + ".qcow2");
            HostFile f = Qcow2Create.create(256L << 20, cluster);
            Qcow2Driver d = Qcow2Driver.open(f, "e", EngineEventSink.NONE);
            SerialRequests io = new SerialRequests(d, 0);
            List<Extent> ex = extents(cluster + 7, cluster);
            for (Extent e : ex) {
                byte[] data = new byte[e.length()];
                Arrays.fill(data, (byte) e.pattern());
                io.write(e.offset(), data);
            }
            io.writeZeroes(ex.get(5).offset(), ex.get(5).length(), true);
            io.discard(0, 256L << 20);
            io.write(ex.get(7).offset(), filled(ex.get(7)));
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
            HostFile f2 = Qcow2Create.create(256L << 20, cluster);
            SerialRequests io2 = new SerialRequests(Qcow2Driver.open(f2, "e2", EngineEventSink.NONE), 0);
            for (Extent e : ex) {
                io2.write(e.offset(), filled(e));
            }
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

    private static byte[] filled(Extent e) {
        byte[] b = new byte[e.length()];
        Arrays.fill(b, (byte) e.pattern());
        return b;
    }
}
