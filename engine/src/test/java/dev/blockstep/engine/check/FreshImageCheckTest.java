package dev.blockstep.engine.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.blockstep.engine.testing.Qemu;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FreshImageCheckTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} with cluster_size={1} refcount_bits={2}")
    @CsvSource({
            "1M,65536,16", "16M,65536,16", "513M,65536,16", "2G,65536,16", "100G,65536,16",
            "16M,512,16", "64M,4096,16", "1G,2097152,16", "16M,65536,1", "16M,65536,8", "16M,65536,64",
            "3G,512,16", "1T,65536,16"})
    void aFreshImageChecksExactlyAsQemuImgChecksIt(String size, int clusterSize, int refcountBits) throws Exception {
        Path img = dir.resolve("fresh-" + size + "-" + clusterSize + "-" + refcountBits + ".qcow2");
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", "-o",
                "cluster_size=" + clusterSize + ",refcount_bits=" + refcountBits, img.toString(), size).exitCode());
        QemuParity.assertSameAsQemu(img);
    }
}
