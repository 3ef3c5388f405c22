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

    /** 1/800 is exactly 0.125 %: printf rounds that tie to even (0.12), a half-up formatter would print 0.13. */
    @org.junit.jupiter.api.Test
    void aPercentageOnAnExactTieRoundsAsQemusPrintfRoundsIt() throws Exception {
        Path img = dir.resolve("tie.qcow2");
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", img.toString(), "50M").exitCode());
        assertEquals(0, Qemu.io("-f", "qcow2", "-c", "write 0 64k", img.toString()).exitCode());
        assertEquals(true, QemuParity.assertSameAsQemu(img).stdout().contains("1/800 = "));
    }

    @org.junit.jupiter.api.Test
    void aFileNameWithQuotesTabsAndNonAsciiIsEscapedInJsonAsQemuEscapesIt() throws Exception {
        Path img = dir.resolve("we\"ird\tn\u00e4me \ud83d\ude00\\.qcow2");
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", img.toString(), "16M").exitCode());
        QemuParity.assertSameAsQemu(img);
    }

    @ParameterizedTest(name = "version 2 image of {0}")
    @CsvSource({"16M", "1G"})
    void aVersionTwoImageWrittenByQemuIoChecksAsQemuChecksIt(String size) throws Exception {
        Path img = dir.resolve("v2-" + size + ".qcow2");
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", "-o", "compat=0.10", img.toString(), size).exitCode());
        Qemu.Result io = Qemu.io("-f", "qcow2", "-c", "write -P 1 0 128k", "-c", "write -z 64k 64k",
                "-c", "discard 0 64k", "-c", "write -P 2 8M 4k", img.toString());
        assertEquals(0, io.exitCode(), io.stdout() + io.stderr());
        QemuParity.assertSameAsQemu(img);
    }
}
