package dev.blockstep.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.testing.Qemu;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * qemu's metadata overlap check: an L2 entry of a qemu-written image is pointed at a metadata structure, then
 * real qemu-io and {@code blockstep io} run the same commands on copies. Both must refuse the same write with
 * the same message and leave byte-identical images.
 */
class OverlapCheckAgainstQemuTest {

    private static final long COPIED = 1L << 63;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "L2 entry {0} -> {1}, {2}")
    @CsvSource({
            "1, l1, write -P 0x5a 64k 64k",
            "1, reftable, write -P 0x5a 64k 64k",
            "1, refblock, write -P 0x5a 64k 64k",
            "1, l2, write -P 0x5a 64k 64k",
            "1, header-refcount-0, write -P 0x5a 64k 64k",
            "1, l1-refcount-0, aio_write -P 0x5a 64k 64k",
            "0, l1, aio_write -P 0x5a 0 64k",
            "2, reftable, aio_write -P 0x5a 128k 4k",
            "1, free, write -P 0x5a 64k 64k",
    })
    void ioRefusesExactlyWhereQemuIoRefuses(int l2Index, String target, String command) throws IOException {
        Path img = dir.resolve("m.qcow2");
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", img.toString(), "16M").exitCode());
        assertEquals(0, Qemu.io("-f", "qcow2", "-c", "write -P 0x11 0 64k", img.toString()).exitCode());
        byte[] b = Files.readAllBytes(img);
        ByteBuffer bb = ByteBuffer.wrap(b);
        long l1 = bb.getLong(40);
        long reftable = bb.getLong(48);
        long l2 = bb.getLong((int) l1) & 0x00ff_ffff_ffff_fe00L;
        long refblock = bb.getLong((int) reftable);
        long to = switch (target) {
            case "l1" -> l1;
            case "reftable" -> reftable;
            case "refblock" -> refblock;
            case "l2" -> l2;
            case "header-refcount-0", "l1-refcount-0" -> 8L << 20;
            default -> 8L << 20; // a free cluster: no overlap, the write must go through
        };
        bb.putLong((int) l2 + 8 * l2Index, to | COPIED);
        if (target.endsWith("-refcount-0")) {
            // a refcount of 0 on metadata makes the allocator hand that cluster out for new data
            bb.putLong((int) l2 + 8 * l2Index, 0);
            bb.putShort((int) refblock + 2 * (int) ((target.startsWith("l1") ? l1 : 0) >> 16), (short) 0);
        }
        String qemuStderr = assertIoMatchesQemuIo(dir, b,
                List.of(command, "aio_flush", "write -P 0x5b 3M 64k", "read -P 0x11 0 4k"));
        if (!target.startsWith("free")) {
            assertTrue(qemuStderr.contains("Preventing invalid write on metadata"), "the case must hit qemu's check: "
                    + qemuStderr);
        }
    }

    /**
     * Runs the commands with real qemu-io and with {@code blockstep io} on two copies of {@code image} in
     * {@code dir}; stderr, stdout, exit code and the resulting bytes must match. Returns qemu-io's stderr.
     */
    static String assertIoMatchesQemuIo(Path dir, byte[] image, List<String> cmds) throws IOException {
        Path theirs = Files.write(dir.resolve("qemu.qcow2"), image);
        Path ours = Files.write(dir.resolve("ours.qcow2"), image);
        List<String> qemuArgs = new ArrayList<>(List.of("-f", "qcow2"));
        List<String> ourArgs = new ArrayList<>(List.of("io"));
        for (String c : cmds) {
            qemuArgs.addAll(List.of("-c", c));
            ourArgs.addAll(List.of("-c", c));
        }
        qemuArgs.add(theirs.toString());
        ourArgs.add(ours.toString());
        Qemu.Result q = Qemu.run("qemu-io", qemuArgs, null);
        CreateAndIoCommandTest.Run r = CreateAndIoCommandTest.run(null, ourArgs.toArray(String[]::new));
        assertEquals(q.stderr().replace(theirs.toString(), "IMG"), r.stderr().replace(ours.toString(), "IMG"));
        assertEquals(CreateAndIoCommandTest.untimed(q.stdout()), CreateAndIoCommandTest.untimed(r.stdout()));
        assertEquals(q.exitCode(), r.exitCode());
        // streamed, as an image may reach past 2 GiB (sparse)
        assertEquals(-1L, Files.mismatch(theirs, ours), "the images differ from this byte on");
        return q.stderr();
    }
}
