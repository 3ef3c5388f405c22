package dev.blockstep.engine.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.blockstep.engine.testing.Qemu;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Large virtual disks and large sparse files: same answers as qemu, without reading or allocating per cluster. */
class LargeImageCheckTest {

    @TempDir
    Path dir;

    @Test
    void aFullyPreallocatedTwoGigabyteImageChecksAsQemuChecksIt() throws Exception {
        Path img = dir.resolve("prealloc.qcow2");
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", "-o", "preallocation=metadata", img.toString(), "2G")
                .exitCode());
        // How long this takes is measured by `blockstep bench`, not asserted here.
        QemuParity.assertSameAsQemu(img);
    }

    @Test
    void aSparseFileOfTwoHundredGigabytesChecksAsQemuChecksIt() throws Exception {
        Path img = dir.resolve("sparse.qcow2");
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", img.toString(), "1M").exitCode());
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
            f.setLength(200L << 30);
        }
        QemuParity.assertSameAsQemu(img);
        ReferenceCounts rc = ReferenceCounts.of(img);
        assertEquals(4, rc.clusters().size(), "header, refcount table and block, L1: " + rc.clusters());
    }

    @Test
    void aFileOfMoreThanTwoToTheThirtyOneClustersFailsAsQemuFails() throws Exception {
        Path img = dir.resolve("huge.qcow2");
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", "-o", "cluster_size=512", img.toString(), "1M")
                .exitCode());
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
            f.setLength(1100L << 30);
        }
        assertEquals(1, QemuParity.assertSameAsQemu(img).exitCode());
    }
}
