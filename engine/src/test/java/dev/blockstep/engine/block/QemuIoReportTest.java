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

    /**
     * Expected strings from C's printf (Python's % formatting, which rounds the binary value exactly as glibc
     * does): 0.125 s is a tie that printf rounds to even, where Java's Formatter rounded it up to 00.13.
     */
    @Test
    void timingLinesFormatAsCsPrintf() {
        assertEquals("00.12 sec", QemuIoReport.timestr(125_000_000L));
        assertEquals("00.01 sec", QemuIoReport.timestr(5_000_000L));
        assertEquals("1:02:05.50", QemuIoReport.timestr(3_725_500_000_000L));
        assertEquals("0:00:09.99", QemuIoReport.timestr(9_990_000_000L));
        assertEquals("64 KiB, 1 ops; 00.00 sec (62.500 MiB/sec and 1000.0000 ops/sec)",
                QemuIoReport.timing(65536, 1_000_000L));
        assertEquals("512 bytes, 1 ops; 00.00 sec (12.887 GiB/sec and 27027027.0270 ops/sec)",
                QemuIoReport.timing(512, 37L));
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
