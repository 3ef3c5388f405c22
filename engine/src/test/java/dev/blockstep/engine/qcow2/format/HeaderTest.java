package dev.blockstep.engine.qcow2.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.testing.Qemu;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeaderTest {

    @TempDir
    Path dir;

    @Test
    void headerClusterOfAFreshQemuImageIsReproducedByteForByte() throws Exception {
        Path img = dir.resolve("fresh.qcow2");
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", img.toString(), "16M").exitCode());
        HostFile f = HostFile.load(img);
        Header h = Header.parse(f.read(0, 4096), f.length(), img.toString());
        assertEquals(16, h.clusterBits());
        assertEquals(0x30000, h.l1TableOffset());
        assertArrayEquals(f.read(0, h.clusterSize()), h.toClusterBytes());
    }

    @Test
    void aBadMagicNamesTheFileAndTheField() {
        byte[] b = new byte[512];
        var e = assertThrows(ImageFormatException.class, () -> Header.parse(b, 512, "x.img"));
        assertTrue(e.getMessage().startsWith("x.img: magic at offset 0x0: expected 0x514649fb"), e.getMessage());
    }
}
