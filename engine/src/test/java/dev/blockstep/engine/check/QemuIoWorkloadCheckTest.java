package dev.blockstep.engine.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.blockstep.engine.testing.Qemu;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QemuIoWorkloadCheckTest {

    @TempDir
    Path dir;

    /** A serial qemu-io script of random writes, zero writes (with and without unmap), discards, sub-cluster writes. */
    static String script(long seed, int commands, int clusterSize, int clusters) {
        Random r = new Random(seed);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < commands; i++) {
            int c = r.nextInt(clusters);
            long off = (long) c * clusterSize;
            int n = 1 + r.nextInt(3);
            long len = (long) n * clusterSize;
            switch (r.nextInt(6)) {
                case 0, 1 -> s.append("write -q -P ").append(r.nextInt(256)).append(' ').append(off).append(' ').append(len);
                case 2 -> s.append("write -q -z ").append(off).append(' ').append(len);
                case 3 -> s.append("write -q -z -u ").append(off).append(' ').append(len);
                case 4 -> s.append("discard -q ").append(off).append(' ').append(len);
                default -> {
                    int sub = 512 * (1 + r.nextInt(Math.max(1, clusterSize / 512 - 1)));
                    s.append("write -q -P ").append(r.nextInt(256)).append(' ').append(off + 512).append(' ').append(sub);
                }
            }
            s.append('\n');
        }
        return s.toString();
    }

    @ParameterizedTest(name = "seed {0}, cluster_size={1}")
    @CsvSource({"1,65536", "2,65536", "3,4096", "4,512", "5,65536", "6,4096", "7,2097152", "8,65536"})
    void imagesWrittenBySeededQemuIoScriptsCheckExactlyAsQemuImgChecksThem(long seed, int clusterSize) throws Exception {
        Path img = dir.resolve("workload-" + seed + ".qcow2");
        int clusters = 48;
        long size = (long) clusters * clusterSize + 3L * clusterSize;
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", "-o", "cluster_size=" + clusterSize,
                img.toString(), Long.toString(size)).exitCode());
        Qemu.Result io = Qemu.ioStdin(img, script(seed, 300, clusterSize, clusters));
        assertEquals(0, io.exitCode(), io.stdout() + io.stderr());
        QemuParity.assertSameAsQemu(img);
    }

    /** Random aio batches in -c mode, as the brief's workload: requests overlap and the race can fire. */
    @ParameterizedTest(name = "aio batch seed {0}")
    @CsvSource({"11", "12", "13", "14", "15", "16"})
    void imagesWrittenByRacingAioBatchesCheckExactlyAsQemuImgChecksThem(long seed) throws Exception {
        Path img = DamagedImages.racingAioBatch(dir, seed);
        QemuParity.assertSameAsQemu(img);
    }

    /** Small clusters and narrow refcounts make qemu add refcount blocks and grow the refcount table. */
    @ParameterizedTest(name = "cluster_size={0} refcount_bits={1}, {2} written")
    @CsvSource({"512,16,10M", "512,64,3M"})
    void imagesWhoseRefcountTableGrewCheckExactlyAsQemuImgChecksThem(int clusterSize, int refcountBits, String written)
            throws Exception {
        Path img = dir.resolve("grown-" + clusterSize + "-" + refcountBits + ".qcow2");
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", "-o",
                "cluster_size=" + clusterSize + ",refcount_bits=" + refcountBits, img.toString(), "64M").exitCode());
        Qemu.Result io = Qemu.io("-f", "qcow2", "-c", "write -P 1 0 " + written, "-c", "write -z -u 1M 1M",
                "-c", "write -P 2 40M 2M", "-c", "discard 0 512k", img.toString());
        assertEquals(0, io.exitCode(), io.stderr());
        long reftableClusters = java.nio.ByteBuffer.wrap(java.nio.file.Files.readAllBytes(img), 0x38, 4).getInt();
        QemuParity.Run q = QemuParity.assertSameAsQemu(img);
        assertEquals(0, q.exitCode(), q.stdout() + q.stderr());
        assertEquals(true, reftableClusters > 1, "the refcount table grew to " + reftableClusters + " clusters");
    }

    @Test
    void compressedClustersAreCountedAsQemuCountsThem() throws Exception {
        Path img = dir.resolve("compressed.qcow2");
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", img.toString(), "8M").exitCode());
        Qemu.Result io = Qemu.io("-f", "qcow2", "-c", "write -c -P 7 0 64k", "-c", "write -c -P 9 128k 64k",
                "-c", "write -P 3 256k 64k", "-c", "write -c 1M 64k", img.toString());
        assertEquals(0, io.exitCode(), io.stdout() + io.stderr());
        QemuParity.Run q = QemuParity.assertSameAsQemu(img);
        assertEquals(true, q.stdout().contains("compressed clusters") && !q.stdout().contains("0.00% compressed"),
                "the image must really hold compressed clusters: " + q.stdout());
    }
}
