package dev.blockstep.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.blockstep.engine.testing.Qemu;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scripts through real qemu-io and through {@code blockstep io}, serial (no seed) and with {@code --seed N},
 * from standard input (prompts) and from {@code -c}: every stdout line (timing figures masked), every stderr line,
 * the exit status and the image bytes must be qemu-io's. The scripts keep at most one result-printing request
 * in flight, so that qemu's own output order does not depend on its I/O timing.
 */
class IoParityDifferentialTest {
    private static final List<List<String>> MODES = List.of(List.of(), List.of("--seed", "1"), List.of("--seed", "7"));

    @TempDir
    Path dir;

    @Test
    void aMismatchingReadNamesTheRequestsOffset() throws Exception {
        assertParity("mismatch", null, "write -P 1 0 64k", "write -P 2 4096 512", "read -P 1 0 64k",
                "read -P 2 4096 1024", "read -P 2 4096 512", "read -q -P 3 60k 8k");
    }

    @Test
    void requestsPastTheEndFailWithQemusLines() throws Exception {
        assertParity("range", null, "read 1M 512", "read 1048064 1024", "write -P 3 2M 512", "write -z 1048064 4k",
                "write -z -u 2M 512", "discard 1048064 1024", "discard 2M 64k", "read -P 0 1040384 8192",
                "aio_write -P 1 1048064 4k", "aio_flush", "write -P 4 1044480 4096", "read -P 4 1044480 4096");
    }

    @Test
    void discardFlushAndZeroWritesMatch() throws Exception {
        assertParity("zero", null, "write -P 5 0 192k", "discard 64k 64k", "flush", "write -z 0 4k",
                "write -z -u 128k 64k", "read -P 0 64k 64k", "read -P 0 128k 64k", "read -P 5 4k 60k",
                "discard 4096 512", "read -P 5 4096 512", "discard -q 0 1M", "read -P 0 0 1M", "flush");
    }

    @Test
    void aioWritesAndAioFlushMatch() throws Exception {
        assertParity("aio", null, "aio_write -P 7 0 64k", "aio_flush", "aio_write -z -u 0 64k", "aio_flush",
                "read -P 0 0 64k", "aio_write -q -P 8 64k 64k", "aio_flush", "aio_write -q -P 9 256k 4k",
                "read -P 8 64k 64k", "aio_flush", "read -P 9 256k 4k", "aio_write -P 1 1048064 4k", "aio_flush",
                "aio_write -z 512k 64k");
    }

    @Test
    void syntaxErrorsArePrintedInPlace() throws Exception {
        assertParity("syntax", null, "write -P 1 0 4k", "bogus", "write -u 0 4k", "read -P 1 0 4k",
                "read -P 2 0 4k", "write -P 1", "read 0 4G", "flush");
    }

    @Test
    void aDetachedDriverFailsLaterCommandsLikeQemu() throws Exception {
        // An unaligned L2 table offset in L1 entry 0: the first write marks the image corrupt and detaches qcow2.
        assertParity("detached", new long[] {0x30000, 0x8000000000040200L}, "write -P 1 0 4k", "flush", "read 0 512",
                "aio_write -P 1 0 4k", "aio_flush", "discard 0 64k", "write -z 0 64k");
    }

    @Test
    void aFlushOnADetachedDriverPrintsNothingButFailsQemuIo() throws Exception {
        // The aio_write's failure does not count; the silent flush failure makes qemu-io exit 1.
        assertParity("silent", new long[] {0x30000, 0x8000000000040200L}, "aio_write -P 1 0 4k", "aio_flush",
                "flush");
    }

    /** Runs the script every way and compares; {@code patch} is {offset, big-endian value} put in the start image. */
    private void assertParity(String name, long[] patch, String... script) throws Exception {
        Path base = dir.resolve(name + "-base.qcow2");
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", base.toString(), "1M").exitCode());
        if (patch != null) {
            byte[] b = Files.readAllBytes(base);
            for (int i = 0; i < 8; i++) {
                b[(int) patch[0] + i] = (byte) (patch[1] >>> (56 - 8 * i));
            }
            Files.write(base, b);
        }
        List<String> failures = new ArrayList<>();
        for (boolean stdin : new boolean[] {true, false}) {
            List<String> lines = stdin ? withBlankLine(script) : List.of(script);
            IoParity.QemuRun q = IoParity.qemu(base, dir.resolve(name + "-qemu.qcow2"), lines, stdin);
            for (List<String> mode : MODES) {
                String how = name + (stdin ? " (stdin" : " (-c") + (mode.isEmpty() ? ", serial)" : ", " + mode + ")");
                IoParity.compare(q, base, dir.resolve(name + "-ours.qcow2"), lines, stdin, mode, how, failures);
            }
        }
        assertEquals("", String.join("\n", failures));
    }

    private static List<String> withBlankLine(String[] script) {
        List<String> l = new ArrayList<>(List.of(script));
        l.add(Math.min(2, l.size()), "");
        return l;
    }
}
