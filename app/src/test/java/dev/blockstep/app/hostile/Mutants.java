package dev.blockstep.app.hostile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Seeded mutants of one small qcow2 image that qemu-img and qemu-io made: header fields, header extensions,
 * L1, L2 and refcount entries pointed far out, at themselves or at other metadata, and truncations.
 */
final class Mutants {

    private static final long COPIED = 1L << 63;
    private final byte[] base;
    private final long l1;
    private final long reftable;
    private final long l2;
    private final long refblock;

    private Mutants(byte[] base) {
        this.base = base;
        ByteBuffer b = ByteBuffer.wrap(base);
        l1 = b.getLong(40);
        reftable = b.getLong(48);
        l2 = b.getLong((int) l1) & 0x00ff_ffff_ffff_fe00L;
        refblock = b.getLong((int) reftable);
    }

    /** Makes the base image in {@code dir} with qemu-img create and three qemu-io writes. */
    static Mutants create(Path dir) throws IOException, InterruptedException {
        Path img = dir.resolve("base.qcow2");
        require(Qemu.run(dir, 30, "qemu-img", "create", "-q", "-f", "qcow2", img.toString(), "16M"));
        require(Qemu.io(dir, img, java.util.List.of("write -P 0x11 0 64k", "write -P 0x22 1M 64k",
                "write -P 0x33 5M 128k")));
        return new Mutants(Files.readAllBytes(img));
    }

    private static void require(int exit) throws IOException {
        if (exit != 0) {
            throw new IOException("making the base image with qemu failed (exit " + exit + ")");
        }
    }

    /** Writes mutant number {@code n} of {@code seed} to {@code file} and returns what was changed. */
    String write(long seed, int n, Path file) throws IOException {
        SplittableRandom r = new SplittableRandom(seed * 1_000_003L + n);
        byte[] b = base.clone();
        ByteBuffer bb = ByteBuffer.wrap(b);
        String what;
        switch (r.nextInt(8)) {
            case 0 -> {
                int at = r.nextInt(104);
                b[at] = (byte) r.nextInt(256);
                what = "header byte " + at;
            }
            case 1 -> {
                int at = 104 + r.nextInt(400);
                b[at] = (byte) r.nextInt(256);
                what = "header extension byte " + at;
            }
            case 2 -> {
                long v = pointer(r) | COPIED;
                bb.putLong((int) l1 + 8 * r.nextInt(2), v);
                what = "L1 entry = " + Long.toHexString(v);
            }
            case 3 -> {
                long v = pointer(r);
                bb.putLong((int) reftable, v);
                what = "refcount table entry 0 = " + Long.toHexString(v);
            }
            case 4 -> {
                long v = pointer(r) | (r.nextInt(4) == 0 ? 1L << 62 : COPIED);
                int idx = new int[] {0, 16, 80, 81, 5}[r.nextInt(5)];
                bb.putLong((int) l2 + 8 * idx, v);
                what = "L2 entry " + idx + " = " + Long.toHexString(v);
            }
            case 5 -> {
                int idx = r.nextInt(12);
                short v = (short) new int[] {0, 2, 0xffff, r.nextInt(65536)}[r.nextInt(4)];
                bb.putShort((int) refblock + 2 * idx, v);
                what = "refcount of cluster " + idx + " = " + (v & 0xffff);
            }
            case 6 -> {
                int len = r.nextBoolean() ? r.nextInt(b.length) : (r.nextInt(b.length / 512) * 512);
                Files.write(file, java.util.Arrays.copyOf(b, len));
                return "truncated to " + len;
            }
            default -> {
                int[] fields = {24, 36, 56, 60, 64, 20, 72};
                int at = fields[r.nextInt(fields.length)];
                long v = new long[] {-1L, 1L << 40, 1L << 31, 0, 0x7fffffffL, r.nextLong()}[r.nextInt(6)];
                if (at == 36 || at == 56 || at == 60 || at == 20) {
                    bb.putInt(at, (int) v);
                } else {
                    bb.putLong(at, v);
                }
                what = "header field at " + at + " = " + Long.toHexString(v);
            }
        }
        Files.write(file, b);
        return what;
    }

    /** An offset far out, or one that lands on the image's own metadata. */
    private long pointer(SplittableRandom r) {
        long[] choices = {l1, l2, reftable, refblock, 0, 1L << 40, 10L << 30, 0x00ff_ffff_ffff_0000L,
                (long) r.nextInt(64) << 16, l2 + 512};
        return choices[r.nextInt(choices.length)];
    }
}
