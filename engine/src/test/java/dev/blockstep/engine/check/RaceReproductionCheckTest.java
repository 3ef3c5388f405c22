package dev.blockstep.engine.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.blockstep.engine.testing.Qemu;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The discard/write-zeroes race reproduced with real qemu-io in -c mode, where nothing runs between the
 * commands of one batch. qemu-img check's own verdict is the reference; the race is only counted as
 * reproduced when qemu itself reports corruption (exit 2), and each setup is retried a few times because
 * -c mode is only nearly deterministic. Every image real qemu-io left is also repaired with -r leaks and -r all on
 * copies, by blockstep and by qemu-img, with the same output, exit code and bytes (issue 13's repair differential).
 */
class RaceReproductionCheckTest {

    private static final int ATTEMPTS = 3;

    @TempDir
    Path dir;

    @Test
    void r1DanglingReferenceToAFreedClusterChecksAsQemuChecksIt() throws Exception {
        assertReproducedAndSame("r1", List.<String[]>of(r1()));
    }

    @Test
    void r2SameBatchReallocationChecksAsQemuChecksIt() throws Exception {
        assertReproducedAndSame("r2", List.<String[]>of(new String[] {"aio_write -P 0x22 0 64k", "aio_write -z -u 0 64k",
                "aio_write -P 0x33 64k 64k", "aio_flush"}));
    }

    @Test
    void r3LaterReallocationChecksAsQemuChecksIt() throws Exception {
        assertReproducedAndSame("r3", List.of(r1(), new String[] {"write -P 0x44 64k 64k"}));
    }

    @Test
    void r5ZeroWriteOnTheDanglingEntryChecksAsQemuChecksIt() throws Exception {
        assertReproducedAndSame("r5", List.of(r1(), new String[] {"write -z 0 64k"}));
    }

    @Test
    void r4UnmappingTheDanglingEntryHealsItAndBothChecksAgree() throws Exception {
        Path img = run("r4", List.of(r1(), new String[] {"write -z -u 0 64k"}));
        QemuParity.assertSameAsQemu(img);
    }

    private static String[] r1() {
        return new String[] {"aio_write -P 0x22 0 64k", "aio_write -z -u 0 64k", "aio_flush"};
    }

    private void assertReproducedAndSame(String name, List<String[]> sessions) throws Exception {
        List<Integer> codes = new ArrayList<>();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Path img = run(name + "-" + attempt, sessions);
            QemuParity.Run q = QemuParity.assertSameAsQemu(img);
            codes.add(q.exitCode());
            // every image real qemu-io left, corrupt or not, is repaired both ways on copies as qemu-img repairs it
            RepairParity.assertBothModesRepairAsQemu(img);
            if (q.exitCode() == 2) {
                return;
            }
        }
        assertEquals(2, codes.get(codes.size() - 1), "qemu never reported the race's corruption: " + codes);
    }

    /** A fresh 16M image with guest cluster 0 ZERO_ALLOC, then each session as one qemu-io -c batch. */
    private Path run(String name, List<String[]> sessions) {
        Path img = dir.resolve(name + ".qcow2");
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", img.toString(), "16M").exitCode());
        batch(img, new String[] {"write -P 0x11 0 64k", "write -z 0 64k"});
        for (String[] s : sessions) {
            batch(img, s);
        }
        return img;
    }

    private static void batch(Path img, String[] commands) {
        List<String> args = new ArrayList<>(List.of("-f", "qcow2"));
        for (String c : commands) {
            args.add("-c");
            args.add(c);
        }
        args.add(img.toString());
        Qemu.io(args.toArray(new String[0]));
    }
}
