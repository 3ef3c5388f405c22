package dev.blockstep.engine.qcow2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.blockstep.engine.testing.Qemu;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CreateTest {

    @TempDir
    Path dir;

    @Test
    void createdImagesAreByteIdenticalToQemuImgCreateForEveryClusterSize() throws Exception {
        long[] sizes = {0, 1L << 20, 16L << 20, 513L << 20, 1L << 30, 2L << 30, 100L << 30};
        StringBuilder failures = new StringBuilder();
        for (int bits = 9; bits <= 21; bits++) {
            int cluster = 1 << bits;
            for (long size : sizes) {
                if (bits == 9 && size > (2L << 30)) {
                    continue; // qemu refuses: the L1 table would be too large
                }
                Path q = dir.resolve("q-" + bits + "-" + size + ".qcow2");
                var r = Qemu.img("create", "-q", "-f", "qcow2", "-o", "cluster_size=" + cluster, q.toString(),
                        Long.toString(size));
                assertEquals(0, r.exitCode(), r.stderr());
                byte[] ours = bytes(Qcow2Create.create(size, cluster));
                byte[] theirs = Files.readAllBytes(q);
                if (!java.util.Arrays.equals(ours, theirs)) {
                    failures.append("cluster ").append(cluster).append(" size ").append(size).append(": lengths ")
                            .append(ours.length).append(" vs qemu ").append(theirs.length).append('\n');
                }
            }
        }
        assertEquals("", failures.toString());
    }

    @Test
    void a16MiBImageIs196616BytesLong() throws Exception {
        assertEquals(196616, bytes(Qcow2Create.create(16L << 20, 65536)).length);
    }

    @Test
    void tooLargeAndBadClusterSizesAreRefusedWithQemusText() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(Qcow2Create.CreateException.class,
                () -> Qcow2Create.create(1 << 20, 1000));
        assertEquals("Cluster size must be a power of two between 512 and 2048k", e.getMessage());
        var big = org.junit.jupiter.api.Assertions.assertThrows(Qcow2Create.CreateException.class,
                () -> Qcow2Create.create(99999L << 40, 65536));
        assertEquals("The image size is too large for file format 'qcow2' (try using a larger cluster size)",
                big.getMessage());
    }

    private byte[] bytes(dev.blockstep.engine.image.HostFile f) throws Exception {
        Path p = Files.createTempFile(dir, "e", ".qcow2");
        f.save(p);
        return Files.readAllBytes(p);
    }
}
