package dev.blockstep.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.testing.Qemu;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded generated scripts of the options added last: {@code write -s FILE} (files shorter and longer than the
 * write, empty, missing, a directory), {@code truncate -m metadata|falloc|full} on growth, qemu-io's {@code -C}
 * (copy-on-read), with the writes, reads and maps that look at what they did, through real qemu-io and {@code blockstep io}: same stdout (timing masked),
 * stderr, exit status and image bytes. Run more with {@code -DargLine=-Dblockstep.newIoScripts=N}.
 */
class IoSourceAndPreallocDifferentialTest {
    private static final int SCRIPTS = Integer.getInteger("blockstep.newIoScripts", 320);

    @TempDir
    Path dir;

    private final List<String> sources = new ArrayList<>();

    @BeforeEach
    void sourceFiles() throws Exception {
        Random r = new Random(42);
        byte[] longer = new byte[200_000];
        r.nextBytes(longer);
        Files.write(dir.resolve("long.bin"), longer);
        Files.writeString(dir.resolve("short.txt"), "hello, qemu");
        byte[] sector = new byte[512];
        r.nextBytes(sector);
        Files.write(dir.resolve("sector.bin"), sector);
        Files.write(dir.resolve("zeros.bin"), new byte[4096]);
        Files.write(dir.resolve("empty"), new byte[0]);
        Files.createDirectory(dir.resolve("adir"));
        for (String n : List.of("long.bin", "short.txt", "sector.bin", "zeros.bin", "empty", "adir", "missing")) {
            sources.add(dir.resolve(n).toString());
        }
    }

    /** What a generated line exercises, counted so that the test shows it covered each. */
    private enum Vocabulary { WRITE_FILE, WRITE_FILE_REFUSED, TRUNCATE_PREALLOC }

    @Test
    void generatedScriptsMatchQemuIo() throws Exception {
        Path[] bases = {image("c64k", "cluster_size=65536"), image("c4k", "cluster_size=4096"),
            image("v2", "compat=0.10,cluster_size=65536")};
        List<String> failures = new ArrayList<>();
        int[] used = new int[Vocabulary.values().length];
        for (int seed = 1; seed <= SCRIPTS && failures.size() < 6; seed++) {
            Random r = new Random(seed);
            Path base = bases[seed % bases.length];
            List<String> lines = script(r, used);
            boolean stdin = seed % 2 == 0;
            List<String> mode = seed % 3 == 0 ? List.of() : List.of("--seed", Integer.toString(seed));
            IoParity.QemuRun q = IoParity.qemu(base, dir.resolve("qemu.qcow2"), lines, stdin);
            IoParity.compare(q, base, dir.resolve("ours.qcow2"), lines, stdin, mode,
                    "seed " + seed + " on " + base.getFileName() + (stdin ? " (stdin, " : " (-c, ") + mode + ") "
                            + lines, failures);
        }
        assertEquals("", String.join("\n", failures));
        for (Vocabulary v : Vocabulary.values()) {
            assertTrue(used[v.ordinal()] >= 50, "the scripts used " + v + " only " + used[v.ordinal()] + " times");
        }
    }

    /**
     * qemu-io -C (copy-on-read): reads of every kind on an overlay whose backing file holds data, on a plain image
     * (unallocated clusters are copied as zero clusters) and on version 2 images (which have none), beside writes,
     * discards and maps that show what was copied; -C with -r is refused.
     */
    @Test
    void copyOnReadScriptsMatchQemuIo() throws Exception {
        Path[] bases = {overlay("", "cor"), image("plain", "cluster_size=65536"), overlay("compat=0.10,", "corv2"),
            image("plain4k", "cluster_size=4096")};
        List<String> failures = new ArrayList<>();
        for (int seed = 1; seed <= SCRIPTS / 2 && failures.size() < 6; seed++) {
            Random r = new Random(seed * 31L);
            Path base = bases[seed % bases.length];
            List<String> lines = new ArrayList<>();
            for (int i = 0, n = 3 + r.nextInt(8); i < n; i++) {
                long off = r.nextInt(3) == 0 ? 512L * r.nextInt(2048) + r.nextInt(512) : 512L * r.nextInt(2048);
                long len = r.nextInt(4) == 0 ? r.nextInt(3000) : 512L * (1 + r.nextInt(300));
                lines.addAll(List.of(copyOnReadLine(r, off, len).split("\n")));
            }
            lines.add("map");
            boolean stdin = seed % 2 == 0;
            List<String> options = seed % 17 == 0 ? List.of("-f", "qcow2", "-C", "-r") : List.of("-f", "qcow2", "-C");
            List<String> mode = new ArrayList<>(options);
            if (seed % 3 != 0) {
                mode.addAll(List.of("--seed", Integer.toString(seed)));
            }
            Path work = dir.resolve("cor-work.qcow2");
            IoParity.QemuRun q = IoParity.qemu(base, work, options, lines, stdin);
            IoParity.compare(q, base, work, lines, stdin, mode, "seed " + seed + " on " + base.getFileName()
                    + (stdin ? " (stdin, " : " (-c, ") + mode + ") " + lines, failures);
        }
        assertEquals("", String.join("\n", failures));
    }

    /**
     * qemu-io without IMAGE: lines before the first open are refused (no file open), open's own options (-r, -C, -n,
     * -t, -d, -k with -n) apply, an open that fails leaves no file open, a second open is refused.
     */
    @Test
    void scriptsWithoutAnImageMatchQemuIo() throws Exception {
        Path base = overlay("", "noimg");
        Path work = dir.resolve("noimg-work.qcow2");
        String[] opens = {"open " + work, "o -r " + work, "open -C " + work, "open -n -t none " + work,
            "open -t writeback -d ignore " + work, "open -k -n " + work, "open -k " + work, "open -U " + work,
            "open " + dir.resolve("missing.qcow2"), "open -C -r " + work, "open -s " + work, "open -d unmap " + work};
        String[] others = {"read 0 512", "write -P 3 64k 4k", "map", "read -v 100 16", "discard 0 64k", "help open",
            "length", "write -z 128k 64k", "aio_read 8k 1k\naio_flush", "aio_flush", "sleep 0", "open -U -r " + work};
        List<String> failures = new ArrayList<>();
        for (int seed = 1; seed <= SCRIPTS / 4 && failures.size() < 6; seed++) {
            Random r = new Random(seed * 131L);
            List<String> lines = new ArrayList<>();
            for (int i = 0, n = r.nextInt(3); i < n; i++) {
                lines.addAll(List.of(others[r.nextInt(others.length)].split("\n")));
            }
            lines.add(opens[r.nextInt(opens.length)]);
            for (int i = 0, n = 2 + r.nextInt(6); i < n; i++) {
                // one aio request in flight at a time, flushed at once, so that qemu's own output order is fixed
                lines.addAll(List.of((r.nextInt(12) == 0 ? opens[r.nextInt(opens.length)]
                        : others[r.nextInt(others.length)]).split("\n")));
            }
            boolean stdin = seed % 2 == 0;
            List<String> args = stdin ? List.of() : IoParity.dashC(lines);
            String input = stdin ? String.join("\n", lines) + "\n" : null;
            Files.copy(base, work, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Qemu.Result q = Qemu.run("qemu-io", args, input == null ? "" : input);
            byte[] qemuImage = Files.readAllBytes(work);
            Files.copy(base, work, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            List<String> ours = new ArrayList<>(List.of("io"));
            ours.addAll(args);
            CreateAndIoCommandTest.Run b = CreateAndIoCommandTest.run(input, ours.toArray(String[]::new));
            String how = "seed " + seed + (stdin ? " (stdin) " : " (-c) ") + lines;
            if (!IoParity.masked(q.stdout()).equals(IoParity.masked(b.stdout())) || !q.stderr().equals(b.stderr())
                    || q.exitCode() != b.exitCode()) {
                failures.add(how + ": qemu-io printed\n" + q.stdout() + q.stderr() + "exit " + q.exitCode()
                        + "\nblockstep printed\n" + b.stdout() + b.stderr() + "exit " + b.exitCode());
            } else if (!java.util.Arrays.equals(qemuImage, Files.readAllBytes(work))) {
                failures.add(how + ": the images differ");
            }
        }
        assertEquals("", String.join("\n", failures));
    }

    private static String copyOnReadLine(Random r, long off, long len) {
        return switch (r.nextInt(9)) {
            case 0, 1 -> "read " + off + " " + len;
            case 2 -> "read -v " + off + " " + (1 + r.nextInt(40));
            case 3 -> "readv " + off + " " + len + " " + (1 + r.nextInt(2000));
            case 4 -> "aio_read " + off + " " + len + "\naio_flush";
            case 5 -> "write -P " + (1 + r.nextInt(5)) + " " + off + " " + len;
            case 6 -> r.nextBoolean() ? "discard " + off + " " + len : "write -z " + off + " " + len;
            default -> "map";
        };
    }

    private List<String> script(Random r, int[] used) {
        List<String> lines = new ArrayList<>();
        int n = 4 + r.nextInt(8);
        for (int i = 0; i < n; i++) {
            long off = r.nextInt(4) == 0 ? 512L * r.nextInt(2048) + r.nextInt(512) : 512L * r.nextInt(2048);
            long len = r.nextInt(4) == 0 ? 1 + r.nextInt(5000) : 512L * (1 + r.nextInt(256));
            switch (r.nextInt(8)) {
                case 0, 1, 2 -> {
                    int k = r.nextInt(sources.size());
                    used[(k < 4 ? Vocabulary.WRITE_FILE : Vocabulary.WRITE_FILE_REFUSED).ordinal()]++;
                    String flags = (r.nextInt(5) == 0 ? " -q" : "") + (r.nextInt(5) == 0 ? " -C" : "")
                            + (r.nextInt(6) == 0 ? " -f" : "");
                    lines.add((r.nextBoolean() ? "write" : "w") + flags + " -s " + sources.get(k) + " " + off + " "
                            + (r.nextInt(12) == 0 ? 0 : len));
                }
                case 3 -> lines.add("read -v " + off + " " + (1 + r.nextInt(48)));
                case 4 -> lines.add("write -P " + (1 + r.nextInt(5)) + " " + off + " " + len);
                case 5 -> lines.add(r.nextBoolean() ? "map" : "read " + off + " " + len);
                case 6 -> lines.add(truncate(r, used));
                default -> lines.add("write -z " + off + " " + len);
            }
        }
        return lines;
    }

    /** Growths with each preallocation mode, and shrinks and growths without, from sizes aligned or not. */
    private static String truncate(Random r, int[] used) {
        long size = r.nextInt(3) == 0 ? 65536L * (1 + r.nextInt(48)) : 512L * (1 + r.nextInt(6000));
        String mode = List.of("off", "metadata", "falloc", "full").get(r.nextInt(4));
        if (!mode.equals("off")) {
            used[Vocabulary.TRUNCATE_PREALLOC.ordinal()]++;
        }
        return "truncate" + (mode.equals("off") && r.nextBoolean() ? "" : " -m " + mode) + " " + size;
    }

    /** An overlay (64 KiB clusters) over a 4 KiB-cluster backing file with data and a zero range. */
    private Path overlay(String compat, String name) {
        Path base = image(name + "-backing", compat + "cluster_size=4096");
        assertEquals(0, Qemu.io("-f", "qcow2", "-c", "write -P 7 0 200k", "-c", "write -P 8 600k 64k",
                "-c", "write -z 700k 8k", base.toString()).exitCode());
        Path img = dir.resolve(name + ".qcow2");
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", "-o", compat + "cluster_size=65536", "-b",
                base.toString(), "-F", "qcow2", img.toString(), "1M").exitCode());
        return img;
    }

    private Path image(String name, String options) {
        Path img = dir.resolve(name + ".qcow2");
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", "-o", options, img.toString(), "1M").exitCode());
        return img;
    }
}
