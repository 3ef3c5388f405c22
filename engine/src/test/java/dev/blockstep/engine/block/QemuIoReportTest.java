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

    @Test
    void theQuickPrintfRoundsAsTheExactOneOnRatesTiesAndSmallAndLargeValues() {
        java.util.Random r = new java.util.Random(16);
        for (int decimals : new int[] {3, 4, 6}) {
            java.util.List<Double> values = new java.util.ArrayList<>(java.util.List.of(0.0, 634.5625, 0.0005,
                    0.0015, 2.5e-7, 1e12, 0x1p40, 123456.0));
            for (int i = 0; i < 5_000; i++) {
                values.add(65536 / (r.nextInt(2_000_000) / 1e9 + 1e-6) / 1024); // KiB/sec as io prints them
                values.add(r.nextInt(1 << 20) / (double) (1 << r.nextInt(24))); // binary fractions: ties
                values.add(r.nextDouble() * Math.pow(10, r.nextInt(14)));
            }
            for (double v : values) {
                assertEquals(QemuIoReport.exactPrintf(v, decimals), QemuIoReport.printf(v, decimals), v + " %." + decimals);
            }
        }
    }
}
