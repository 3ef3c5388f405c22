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
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * qemu's overlap check where its caches write tables back (qcow2_cache_entry_flush: an L2 table leaves active L2
 * tables out, a refcount block leaves refcount blocks out), with the flush order of cache dependencies and what a
 * detached driver never writes. Seeded mutants of a qemu-written image point an L1 entry at the image's metadata
 * (so an existing L2 table lies on the L1 table, the refcount table, the refcount block or another L2 table) or
 * the first refcount table entry at it (so the refcount block lies on the L1 table, an L2 table or the refcount
 * table); then a seeded mix of writes, zero writes, discards, reads and flushes runs with real qemu-io and with
 * {@code blockstep io} on copies. Output, exit code and bytes must match for every seed.
 */
class CacheWriteBackAgainstQemuTest {

    private static final long COPIED = 1L << 63;
    private static final int SEEDS = 24;

    @TempDir
    Path dir;

    @Test
    void ioWritesTablesBackAsQemuIoDoes() throws IOException {
        byte[] base = baseImage();
        int refused = 0;
        for (int seed = 0; seed < SEEDS; seed++) {
            Mutant m = mutant(base, seed);
            String qemuStderr;
            try {
                qemuStderr = OverlapCheckAgainstQemuTest.assertIoMatchesQemuIo(dir, m.image(), m.commands());
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + " (" + m.damage() + ", " + m.commands() + "): "
                        + e.getMessage(), e);
            }
            if (qemuStderr.contains("Preventing invalid write on metadata")) {
                refused++;
            }
        }
        // the mutants must keep reaching qemu's check, or the comparison proves little
        assertTrue(refused >= SEEDS / 3, "only " + refused + " of " + SEEDS + " seeds hit qemu's overlap check");
    }

    /**
     * Updates that reach qemu's caches after their last flush are lost when a fatal corruption detaches the driver:
     * L1 entry 0 points at the L2 table of entry 1 without COPIED, so the discard copies that table (a flush) and
     * then frees the old one and the discarded cluster in the refcount cache only (a discard does not flush). The
     * next write allocates the freed old table, which is still entry 1's table, and the data check detaches the
     * driver: both refcount drops stay off the file.
     */
    @Test
    void updatesSinceTheLastFlushAreLostWhenTheDriverDetaches() throws IOException {
        byte[] b = baseImage();
        ByteBuffer bb = ByteBuffer.wrap(b);
        int l1 = (int) bb.getLong(40);
        bb.putLong(l1, bb.getLong(l1 + 8) & ~COPIED);
        String qemuStderr = OverlapCheckAgainstQemuTest.assertIoMatchesQemuIo(dir, b,
                List.of("discard 64k 64k", "write -P 0x1e 1074200576 64k", "read -P 0x22 512M 4k"));
        assertTrue(qemuStderr.contains("overlaps with active L2 table"), qemuStderr);
    }

    private byte[] baseImage() throws IOException {
        Path img = dir.resolve("base.qcow2");
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", img.toString(), "2G").exitCode());
        assertEquals(0, Qemu.io("-f", "qcow2", "-c", "write -P 0x11 0 64k", "-c", "write -P 0x22 512M 128k",
                "-c", "write -P 0x33 1G 4k", img.toString()).exitCode());
        return Files.readAllBytes(img);
    }

    record Mutant(byte[] image, String damage, List<String> commands) {
    }

    static Mutant mutant(byte[] base, int seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] b = base.clone();
        ByteBuffer bb = ByteBuffer.wrap(b);
        int l1 = (int) bb.getLong(40);
        int reftable = (int) bb.getLong(48);
        long[] targets = {l1, reftable, bb.getLong(reftable), bb.getLong(l1) & 0x00ff_ffff_ffff_fe00L,
                bb.getLong(l1 + 8) & 0x00ff_ffff_ffff_fe00L};
        String[] names = {"L1 table", "refcount table", "refcount block", "L2 table 0", "L2 table 1"};
        String damage;
        if (r.nextBoolean()) {
            int index = r.nextInt(4);
            int t = r.nextInt(targets.length);
            boolean copied = r.nextInt(10) < 7;
            bb.putLong(l1 + 8 * index, targets[t] | (copied ? COPIED : 0));
            damage = "L1[" + index + "] -> " + names[t] + (copied ? "" : " without COPIED");
        } else {
            int[] onto = {0, 1, 3, 4};
            int t = onto[r.nextInt(onto.length)];
            bb.putLong(reftable, targets[t]);
            damage = "refcount table[0] -> " + names[t];
        }
        List<String> cmds = new ArrayList<>();
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n; i++) {
            long at = r.nextInt(4) * (512L << 20) + r.nextInt(16) * 65536L;
            int pattern = 1 + r.nextInt(254);
            cmds.add(switch (r.nextInt(8)) {
                case 0, 1 -> "write -P " + pattern + " " + (at + 512L * r.nextInt(64)) + " "
                        + new int[] {512, 4096, 65536}[r.nextInt(3)];
                case 2 -> "write -P " + pattern + " " + at + " 65536";
                case 3 -> "discard " + at + " 65536";
                case 4 -> "write -z " + at + " 65536";
                case 5 -> "write -z -u " + at + " 65536";
                case 6 -> "flush";
                default -> "read " + at + " 4096";
            });
        }
        return new Mutant(b, damage, cmds);
    }
}
