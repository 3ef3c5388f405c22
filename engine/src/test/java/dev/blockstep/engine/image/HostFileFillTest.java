package dev.blockstep.engine.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@link HostFile#fill} shares one read-only page per byte value; no write may ever reach that page. */
class HostFileFillTest {

    @Test
    void writingIntoAFilledPageChangesOnlyThatFile() {
        HostFile a = new HostFile();
        HostFile b = new HostFile();
        a.fill(0, 3 * 4096, (byte) 0x5a);
        b.fill(4096, 4096, (byte) 0x5a);
        a.write(4096 + 10, new byte[] {1, 2, 3}, 0, 3);
        a.fill(4096 + 100, 10, (byte) 0x11);
        a.writeZeroes(4096 + 200, 10);
        assertEquals(0x5a, b.read(4096 + 10, 1)[0], "a write into one file's filled page reached another file");
        assertEquals(0x5a, b.read(4096 + 100, 1)[0]);
        assertEquals(0x5a, b.read(4096 + 200, 1)[0]);
        assertEquals(1, a.read(4096 + 10, 1)[0]);
        assertEquals(0x11, a.read(4096 + 100, 1)[0]);
        assertEquals(0, a.read(4096 + 200, 1)[0]);
        HostFile c = new HostFile();
        c.fill(0, 4096, (byte) 0x5a);
        assertEquals(0x5a, c.read(10, 1)[0], "a later fill must see the pristine shared page");
    }

    @Test
    void aFillIsByteForByteAWriteOfThePattern() {
        HostFile filled = new HostFile();
        HostFile written = new HostFile();
        filled.fill(1000, 20000, (byte) 0x77);
        byte[] b = new byte[20000];
        java.util.Arrays.fill(b, (byte) 0x77);
        written.write(1000, b);
        assertEquals(written.length(), filled.length());
        assertEquals(java.util.Arrays.toString(written.read(0, 24000)), java.util.Arrays.toString(filled.read(0, 24000)));
    }
}
