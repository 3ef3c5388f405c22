package dev.blockstep.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.testing.Qemu;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code blockstep info} against {@code qemu-img info} 7.2 on seeded images made by real qemu-img and qemu-io:
 * 512 B to 2 MiB clusters, refcount widths 1 to 64, extended L2 entries, sizes from 0 bytes to terabytes (each
 * unit of size_to_str, its rounding and its switch to the next unit), overlays on qcow2 and raw backing files
 * named relatively or absolutely, human and JSON, with and without {@code --backing-chain}: same stdout, stderr
 * and exit status; the files stay unchanged. More with {@code -DargLine=-Dblockstep.infoSeeds=N}.
 */
class InfoDifferentialTest {
    private static final int SEEDS = Integer.getInteger("blockstep.infoSeeds", 40);

    @TempDir
    Path dir;

    @Test
    void seededImagesReportAsQemuImgInfoReportsThem() throws Exception {
        List<String> failures = new ArrayList<>();
        int chains = 0;
        for (int seed = 1; seed <= SEEDS && failures.size() < 6; seed++) {
            Random r = new Random(seed);
            Path top = image(r, seed);
            chains += Files.exists(dir.resolve("info-" + seed + "-base")) ? 1 : 0;
            byte[] before = Files.readAllBytes(top);
            for (int variant = 0; variant < 4; variant++) {
                List<String> args = new ArrayList<>();
                if ((variant & 1) != 0) {
                    args.add(r.nextBoolean() ? "--output=json" : "--output");
                    if (args.get(0).equals("--output")) {
                        args.add("json");
                    }
                }
                if ((variant & 2) != 0) {
                    args.add("--backing-chain");
                }
                if (r.nextInt(4) == 0) {
                    args.addAll(List.of("-f", "qcow2"));
                }
                // absolute, or relative to the working directory both tools share
                args.add(r.nextBoolean() ? top.toString() : relative(top));
                compare(failures, "seed " + seed + " " + args, args);
            }
            if (!Arrays.equals(before, Files.readAllBytes(top))) {
                failures.add("seed " + seed + ": info changed " + top);
            }
        }
        assertEquals("", String.join("\n", failures));
        assertTrue(chains >= SEEDS / 4, "only " + chains + " of the images had a backing file");
    }

    /** Lines qemu-img refuses: a missing file, an unknown output, no file at all. */
    @Test
    void refusalsMatchQemuImg() throws Exception {
        List<String> failures = new ArrayList<>();
        Path img = dir.resolve("plain.qcow2");
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", img.toString(), "1M").exitCode());
        for (List<String> args : List.of(List.of(dir.resolve("missing.qcow2").toString()),
                List.of("--output=xml", img.toString()), List.of("--output", "yaml", img.toString()))) {
            compare(failures, args.toString(), args);
        }
        assertEquals("", String.join("\n", failures));
    }

    private static String relative(Path p) {
        return Path.of("").toAbsolutePath().relativize(p).toString();
    }

    private static void compare(List<String> failures, String how, List<String> args) {
        List<String> q = new ArrayList<>(List.of("info"));
        q.addAll(args);
        Qemu.Result qr = Qemu.run("qemu-img", q, null);
        CreateAndIoCommandTest.Run b = CreateAndIoCommandTest.run(null, q.toArray(String[]::new));
        if (!qr.stdout().equals(b.stdout())) {
            failures.add(how + " stdout differs\n--- qemu-img:\n" + qr.stdout() + "--- blockstep:\n" + b.stdout());
        }
        if (!qr.stderr().equals(b.stderr())) {
            failures.add(how + " stderr differs\n--- qemu-img:\n" + qr.stderr() + "--- blockstep:\n" + b.stderr());
        }
        if (qr.exitCode() != b.exitCode()) {
            failures.add(how + " exit status " + qr.exitCode() + " from qemu-img, " + b.exitCode() + " from blockstep");
        }
    }

    /** A top image, maybe over a qcow2 or raw backing file, with some data written by real qemu-io. */
    private Path image(Random r, int seed) {
        String[] sizes = {"0", "1", "512", "999", "1000", "1023", "1024", "1M", "1000k", "1023k", "1048064",
            "3G", "1536M", "999G", "2T", String.valueOf(1 + r.nextInt(100_000_000))};
        String size = sizes[r.nextInt(sizes.length)];
        Path top = dir.resolve("info-" + seed + ".qcow2");
        List<String> create = new ArrayList<>(List.of("create", "-q", "-f", "qcow2"));
        int clusterBits = 9 + r.nextInt(13);
        String opts = "cluster_size=" + (1 << clusterBits) + ",refcount_bits=" + (1 << r.nextInt(7));
        if (clusterBits >= 14 && r.nextInt(4) == 0) {
            opts += ",extended_l2=on";
        }
        if (clusterBits < 16 && size.endsWith("G") || clusterBits < 16 && size.endsWith("T")) {
            // small clusters cannot map that much: qemu-img refuses the L1 table it would need
            size = "1536M".equals(size) ? "1M" : "3M";
        }
        create.addAll(List.of("-o", opts));
        if (r.nextInt(3) == 0) {
            boolean raw = r.nextBoolean();
            Path base = dir.resolve("info-" + seed + "-base");
            assertEquals(0, Qemu.img("create", "-q", "-f", raw ? "raw" : "qcow2", base.toString(), "1M").exitCode());
            create.addAll(List.of("-b", r.nextBoolean() ? base.toString() : base.getFileName().toString(), "-F",
                    raw ? "raw" : "qcow2"));
            if (!size.equals("0") && r.nextBoolean()) {
                size = null;
            }
        }
        create.add(top.toString());
        if (size != null) {
            create.add(size);
        }
        assertEquals(0, Qemu.img(create.toArray(String[]::new)).exitCode(), create.toString());
        boolean tiny = size != null && List.of("0", "1", "512", "999", "1000", "1023", "1024").contains(size);
        if (!tiny && r.nextBoolean()) {
            // data moves the disk size
            assertEquals(0, Qemu.io("-f", "qcow2", "-c", "write -P 3 0 " + (1 + r.nextInt(4096)), top.toString())
                    .exitCode());
        }
        return top;
    }
}
