package dev.blockstep.engine.block;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class QemuIoReportTest {

    /** Figures printed by real qemu-io 7.2 ({@code alloc 649792}, {@code alloc 70000 ...}, {@code map}). */
    @Test
    void cvtstrRoundsAsGlibcPrintfDoes() {
        assertEquals("634.562 KiB", QemuIoReport.cvtstr(649792));
        assertEquals("68.359 KiB", QemuIoReport.cvtstr(70000));
        assertEquals("0 bytes", QemuIoReport.cvtstr(0));
        assertEquals("1.938 MiB", QemuIoReport.cvtstr(0x1f0000));
        assertEquals("273.561 KiB", QemuIoReport.cvtstr(280126));
    }
}
