package dev.blockstep.engine.check;

import static dev.blockstep.engine.check.ImagePatch.be64;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.blockstep.engine.testing.Qemu;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Refcount widths other than 16 bits, including the overflow report when references exceed the width. */
class RefcountWidthCheckTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "refcount_bits={0}")
    @ValueSource(ints = {1, 2, 4, 8, 32, 64})
    void aliasedClustersAtEveryRefcountWidthCheckAsQemuChecksThem(int bits) throws Exception {
        Path img = dir.resolve("width-" + bits + ".qcow2");
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", "-o", "refcount_bits=" + bits, img.toString(), "16M")
                .exitCode());
        Qemu.Result io = Qemu.io("-f", "qcow2", "-c", "write -P 1 0 64k", "-c", "write -P 2 64k 64k",
                "-c", "write -z 128k 64k", img.toString());
        assertEquals(0, io.exitCode(), io.stderr());
        QemuParity.assertSameAsQemu(img);
        // Point guest clusters 1..3 at guest cluster 0's host cluster: four references to one cluster.
        long data = 0x50000;
        ImagePatch.applyAll(img, be64(0x40008, (1L << 63) | data), be64(0x40010, data), be64(0x40018, data | 1));
        QemuParity.assertSameAsQemu(img);
    }
}
