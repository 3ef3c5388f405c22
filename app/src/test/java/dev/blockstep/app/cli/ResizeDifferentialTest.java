package dev.blockstep.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.testing.Qemu;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code blockstep resize} against real qemu-img resize 7.2: seeded generated command lines (absolute, growing and
 * shrinking sizes in every spelling, each preallocation mode, --shrink, -q, -f given or probed) on copies of images
 * that real qemu-img and qemu-io made (qcow2 with 512 B to 2 MiB clusters, version 2 and 3, lazy refcounts, an
 * overlay over a longer backing file, raw files of odd lengths): same stdout, stderr, exit code and image bytes.
 * Run more with {@code -DargLine=-Dblockstep.resizeCases=N}.
 */
class ResizeDifferentialTest {
    private static final int CASES = Integer.getInteger("blockstep.resizeCases", 240);

    @TempDir
    Path dir;

    private final List<Path> qcow2 = new ArrayList<>();
    private final List<Path> raw = new ArrayList<>();

    @BeforeEach
    void images() throws Exception {
        Path backing = make("backing.qcow2", "cluster_size=65536", "6M", "write -P 0x5a 0 6M");
        qcow2.add(make("c64k.qcow2", "cluster_size=65536", "4M", "write -P 1 0 1M", "write -P 2 3M 512k",
                "write -z 1536k 64k"));
        qcow2.add(make("c4k.qcow2", "cluster_size=4096", "2M", "write -P 3 4k 100k", "discard 8k 4k"));
        qcow2.add(make("c512.qcow2", "cluster_size=512", "1M", "write -P 4 0 9k", "write -P 5 700k 3k"));
        qcow2.add(make("c2m.qcow2", "cluster_size=2M", "8M", "write -P 6 1M 3M"));
        qcow2.add(make("v2.qcow2", "compat=0.10,cluster_size=65536", "3M", "write -P 7 64k 1M"));
        qcow2.add(make("lazy.qcow2", "lazy_refcounts=on,cluster_size=65536", "2M", "write -P 8 0 256k"));
        qcow2.add(make("odd.qcow2", "cluster_size=65536", "1000k", "write -P 9 900k 100k"));
        Path overlay = dir.resolve("overlay.qcow2");
        check(Qemu.img("create", "-q", "-f", "qcow2", "-b", backing.toString(), "-F", "qcow2", overlay.toString(),
                "3M"));
        check(Qemu.io("-f", "qcow2", "-c", "write -P 0x11 1M 64k", overlay.toString()));
        qcow2.add(overlay);
        for (long len : new long[] {1 << 20, 1001, 512 * 37, 0}) {
            Path r = dir.resolve("r" + len + ".raw");
            byte[] b = new byte[(int) len];
            new Random(len).nextBytes(b);
            Files.write(r, b);
            raw.add(r);
        }
    }

    @Test
    void generatedResizesMatchQemuImg() throws Exception {
        List<String> failures = new ArrayList<>();
        int[] outcomes = new int[2];
        for (int seed = 1; seed <= CASES && failures.size() < 6; seed++) {
            Random r = new Random(seed);
            boolean isRaw = seed % 5 == 0;
            Path base = isRaw ? raw.get(r.nextInt(raw.size())) : qcow2.get(r.nextInt(qcow2.size()));
            List<String> args = new ArrayList<>(options(r, isRaw));
            // gigabytes only where the file stays small: qcow2 without falloc or full preallocation
            boolean big = !isRaw && !args.contains("full") && !args.contains("--preallocation=falloc");
            args.add(r.nextInt(9) == 0 ? r.nextInt(args.size() + 1) : args.size(), "WORK");
            args.add(size(r, big));
            int code = compare(base, args, "seed " + seed + " on " + base.getFileName(), failures);
            outcomes[code == 0 ? 0 : 1]++;
        }
        assertEquals("", String.join("\n", failures));
        assertTrue(outcomes[0] >= CASES / 4 && outcomes[1] >= CASES / 8,
                "the cases should both resize and fail often: " + Arrays.toString(outcomes));
    }

    /** Command lines qemu-img refuses before or while opening, each with its own one-line (or error_exit) text. */
    @Test
    void badCommandLinesGiveQemuImgsLines() throws Exception {
        Path fifo = dir.resolve("fifo");
        new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor();
        Files.createDirectory(dir.resolve("adir"));
        String[][] lines = {
            {"WORK"}, {}, {"-z", "WORK", "1M"}, {"-qz", "WORK", "1M"}, {"--nope", "WORK", "1M"},
            {"WORK", "extra", "1M"}, {"WORK", "1x"}, {"WORK", "18E"}, {"WORK", "8E"}, {"WORK", "+"}, {"WORK", "--5M"},
            {"WORK", "0"}, {"WORK", "-4M"}, {"--preallocation=sparse", "WORK", "+1M"}, {"--preallocation", "WORK"},
            {"-f", "foo", "WORK", "1M"}, {"-f", "qcow2", dir.resolve("r1001.raw").toString(), "1M"},
            {dir.resolve("missing").toString(), "1M"}, {dir.resolve("adir").toString(), "1M"},
            {fifo.toString(), "1M"}, {"--shrink=yes", "WORK", "1M"}, {"WORK", "-f"}, {"WORK", "1.5"},
            {"--preallocation=falloc", "WORK", "-1M"}, {"-f", "raw", "--preallocation=metadata", "WORK", "+1M"},
        };
        List<String> failures = new ArrayList<>();
        for (String[] line : lines) {
            compare(qcow2.get(0), List.of(line), "line " + List.of(line), failures);
        }
        assertEquals("", String.join("\n", failures));
    }

    /** What qemu-img takes and blockstep does not model is refused in one line, and the image is left alone. */
    @Test
    void whatBlockstepDoesNotModelIsRefusedInOneLine() throws Exception {
        Path work = dir.resolve("work");
        for (String[] line : new String[][] {{"--object", "secret,id=s0,data=x"}, {"--image-opts"}, {"-f", "vmdk"}}) {
            Files.copy(qcow2.get(0), work, StandardCopyOption.REPLACE_EXISTING);
            List<String> args = new ArrayList<>(List.of("resize"));
            args.addAll(List.of(line));
            args.addAll(List.of(work.toString(), "+1M"));
            CreateAndIoCommandTest.Run b = CreateAndIoCommandTest.run(null, args.toArray(String[]::new));
            assertEquals(1, b.exitCode(), args.toString());
            assertEquals("", b.stdout(), args.toString());
            assertEquals(1, b.stderr().lines().count(), b.stderr());
            assertTrue(b.stderr().startsWith("qemu-img: ") && b.stderr().contains("blockstep"), b.stderr());
            assertTrue(Arrays.equals(Files.readAllBytes(qcow2.get(0)), Files.readAllBytes(work)), args.toString());
        }
    }

    /**
     * falloc and full growths allocate the new clusters on disk, as qemu's do (what iotest 125 checks): writing the
     * new area afterwards does not grow the file's blocks, and a growth without preallocation does.
     */
    @Test
    void preallocatedGrowthsAllocateTheNewAreaOnDisk() throws Exception {
        for (String mode : List.of("falloc", "full", "off")) {
            Path img = dir.resolve("grow-" + mode + ".qcow2");
            check(Qemu.img("create", "-q", "-f", "qcow2", img.toString(), "2M"));
            CreateAndIoCommandTest.Run b = CreateAndIoCommandTest.run(null, "resize", "--preallocation=" + mode,
                    img.toString(), "+1M");
            assertEquals(0, b.exitCode(), b.stderr());
            check(Qemu.io("-f", "qcow2", "-c", "write 0 2M", img.toString()));
            long before = blocks(img);
            check(Qemu.io("-f", "qcow2", "-c", "write 2M 1M", img.toString()));
            long after = blocks(img);
            assertTrue(mode.equals("off") ? after > before : after <= before, mode + ": " + before + " -> " + after
                    + " blocks");
        }
    }

    private static long blocks(Path p) throws Exception {
        Process s = new ProcessBuilder("stat", "-c", "%b", p.toString()).start();
        String out = new String(s.getInputStream().readAllBytes()).strip();
        assertEquals(0, s.waitFor());
        return Long.parseLong(out);
    }

    /**
     * Both tools on a fresh copy of {@code base} at the same path (WORK in {@code args}); a mismatch is added to
     * {@code failures}. Returns qemu-img's exit code.
     */
    private int compare(Path base, List<String> args, String how, List<String> failures) throws Exception {
        Path work = dir.resolve("work." + (raw.contains(base) ? "raw" : "qcow2"));
        List<String> real = args.stream().map(a -> a.equals("WORK") ? work.toString() : a).toList();
        Files.copy(base, work, StandardCopyOption.REPLACE_EXISTING);
        List<String> q = new ArrayList<>(List.of("resize"));
        q.addAll(real);
        Qemu.Result qr = Qemu.run("qemu-img", q, null);
        Path qemuImage = dir.resolve("qemu-result");
        Files.move(work, qemuImage, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(base, work, StandardCopyOption.REPLACE_EXISTING);
        CreateAndIoCommandTest.Run b = CreateAndIoCommandTest.run(null, q.toArray(String[]::new));
        String line = how + ": resize " + String.join(" ", real);
        if (!qr.stdout().equals(b.stdout()) || !qr.stderr().equals(b.stderr()) || qr.exitCode() != b.exitCode()) {
            failures.add(line + "\nqemu-img printed\n" + qr.stdout() + qr.stderr() + "exit " + qr.exitCode()
                    + "\nblockstep printed\n" + b.stdout() + b.stderr() + "exit " + b.exitCode());
        } else if (Files.mismatch(qemuImage, work) != -1) {
            failures.add(line + ": the images differ from byte " + Files.mismatch(qemuImage, work) + " (qemu "
                    + Files.size(qemuImage) + " bytes, blockstep " + Files.size(work) + ")");
        }
        return qr.exitCode();
    }

    private static List<String> options(Random r, boolean isRaw) {
        List<String> o = new ArrayList<>();
        if (r.nextInt(3) == 0) {
            o.add("-q");
        }
        if (r.nextInt(3) > 0) {
            o.add("--shrink");
        }
        switch (r.nextInt(6)) {
            case 0 -> o.add("--preallocation=metadata");
            case 1 -> o.add("--preallocation=falloc");
            case 2 -> o.addAll(List.of("--preallocation", "full"));
            case 3 -> o.add("--preallocation=off");
            default -> {
            }
        }
        int f = r.nextInt(3);
        if (f == 1) {
            o.addAll(List.of("-f", isRaw ? "raw" : "qcow2"));
        } else if (f == 2) {
            o.add(isRaw ? "-fraw" : "-fqcow2");
        }
        List<String> shuffled = new ArrayList<>(o);
        java.util.Collections.shuffle(shuffled, r);
        // -f's value must stay right after it
        return o.contains("-f") || o.contains("--preallocation") ? o : shuffled;
    }

    /** Sizes in qemu's spellings: bytes (aligned to 512 or not), suffixes, hex, relative growths and shrinks. */
    private static String size(Random r, boolean big) {
        String sign = switch (r.nextInt(3)) {
            case 0 -> "+";
            case 1 -> "-";
            default -> "";
        };
        String n = switch (r.nextInt(7)) {
            case 0 -> Long.toString(512L * r.nextInt(20000));
            case 1 -> Long.toString(1 + r.nextInt(3_000_000));
            case 2 -> (1 + r.nextInt(4096)) + "k";
            case 3 -> (1 + r.nextInt(12)) + (r.nextBoolean() ? "M" : "m");
            case 4 -> "0x" + Long.toHexString(65536L * r.nextInt(200));
            case 5 -> sign.equals("-") || !big ? (64 * (1 + r.nextInt(32))) + "K" : "1G";
            default -> (r.nextInt(8) + 1) + ".5M";
        };
        return sign + n;
    }

    private Path make(String name, String options, String size, String... writes) throws Exception {
        Path p = dir.resolve(name);
        check(Qemu.img("create", "-q", "-f", "qcow2", "-o", options, p.toString(), size));
        List<String> args = new ArrayList<>(List.of("-f", "qcow2"));
        for (String w : writes) {
            args.addAll(List.of("-c", w));
        }
        args.add(p.toString());
        check(Qemu.io(args.toArray(String[]::new)));
        return p;
    }

    private static void check(Qemu.Result r) {
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
    }
}
