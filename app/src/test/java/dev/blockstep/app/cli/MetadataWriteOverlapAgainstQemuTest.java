package dev.blockstep.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.blockstep.engine.testing.Qemu;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * qemu's overlap check before its own metadata writes: L1 entry 0 of a qemu-written image is cleared so the next
 * write to guest offset 0 allocates a new L2 table, and the image is damaged so that the new table (via a refcount
 * of 0 on a metadata cluster) or the L1 entry write (via an L2 table that is the L1 table) lands on metadata.
 * On a refusal qemu's fail path discards the new table's cluster, which zeroes the structure it landed on.
 * Real qemu-io and {@code blockstep io} run the same commands on copies; output, exit code and bytes must match.
 */
class MetadataWriteOverlapAgainstQemuTest {

    private static final long COPIED = 1L << 63;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "l2-on-l1, true",
            "l2-on-reftable, true",
            "l2-on-refblock, true",
            // the new table's own check ignores active L2 tables, so qemu lets it land on another one
            "l2-on-l2, false",
            "l1-entry-on-l2, true",
            "none, false",
    })
    void ioRefusesTheMetadataWriteQemuIoRefuses(String damage, boolean refused) throws IOException {
        Path img = dir.resolve("m.qcow2");
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", img.toString(), "2G").exitCode());
        assertEquals(0, Qemu.io("-f", "qcow2", "-c", "write -P 0x11 0 64k", "-c", "write -P 0x22 512M 64k",
                img.toString()).exitCode());
        byte[] b = Files.readAllBytes(img);
        ByteBuffer bb = ByteBuffer.wrap(b);
        int l1 = (int) bb.getLong(40);
        int reftable = (int) bb.getLong(48);
        int refblock = (int) bb.getLong(reftable);
        long secondL2 = bb.getLong(l1 + 8) & 0x00ff_ffff_ffff_fe00L;
        bb.putLong(l1, 0); // the old table stays allocated (leaked), so the allocator skips it
        long freed = switch (damage) {
            case "l2-on-l1" -> l1;
            case "l2-on-reftable" -> reftable;
            case "l2-on-refblock" -> refblock;
            case "l2-on-l2" -> secondL2;
            default -> -1;
        };
        if (freed >= 0) {
            bb.putShort(refblock + 2 * (int) (freed >> 16), (short) 0);
        }
        if (damage.equals("l1-entry-on-l2")) {
            bb.putLong(l1 + 16, l1 | COPIED);
        }
        String qemuStderr = OverlapCheckAgainstQemuTest.assertIoMatchesQemuIo(dir, b,
                List.of("write -P 0x5a 0 64k", "aio_flush", "read -P 0x22 512M 4k", "write -P 0x5b 3M 4k"));
        assertEquals(refused, qemuStderr.contains("Preventing invalid write on metadata"),
                "whether qemu's check refuses this case: " + qemuStderr);
    }

    /**
     * A new refcount block: every cluster of the first refcount block is marked used, so the data cluster goes to
     * 2 GiB, where no refcount block exists yet, and the new self-describing block to the next cluster, 2 GiB +
     * 64 KiB: on the L2 table a damaged L1 entry points at (past the end of the file). The block's flush is refused
     * there (before the data write, which would not overlap); with the entry intact the write goes through.
     */
    @ParameterizedTest(name = "L1 entry 2 -> 2 GiB + 64 KiB: {0}")
    @CsvSource({"true", "false"})
    void ioRefusesARefcountBlockOnAnL2Table(boolean damaged) throws IOException {
        Path img = dir.resolve("m.qcow2");
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", img.toString(), "2G").exitCode());
        assertEquals(0, Qemu.io("-f", "qcow2", "-c", "write -P 0x11 0 64k", img.toString()).exitCode());
        byte[] b = Files.readAllBytes(img);
        ByteBuffer bb = ByteBuffer.wrap(b);
        int l1 = (int) bb.getLong(40);
        int refblock = (int) bb.getLong((int) bb.getLong(48));
        for (int i = 0; i < 32768; i++) {
            bb.putShort(refblock + 2 * i, (short) 1);
        }
        if (damaged) {
            bb.putLong(l1 + 16, ((2L << 30) + (64 << 10)) | COPIED);
        }
        String qemuStderr = OverlapCheckAgainstQemuTest.assertIoMatchesQemuIo(dir, b,
                List.of("write -P 0x5a 64k 64k", "read -P 0x11 0 4k"));
        assertEquals(damaged, qemuStderr.contains("Preventing invalid write on metadata (overlaps with active L2"),
                "whether qemu's check refuses this case: " + qemuStderr);
    }
}
