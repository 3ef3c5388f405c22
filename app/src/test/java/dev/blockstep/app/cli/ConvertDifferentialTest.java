package dev.blockstep.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.testing.Qemu;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code blockstep convert} against {@code qemu-img convert} 7.2 on seeded sources written by real qemu-io (qcow2
 * images of 512 B to 2 MiB clusters and chains of two or three, raw images; data, data of zeros, zero writes with
 * and without unmap, discards, compressed clusters) with generated option sets (-O qcow2/raw, -o cluster_size,
 * compat, lazy_refcounts, refcount_bits, preallocation, -c, -S, -B/-F, -n onto a target qemu-img made and qemu-io
 * wrote, --target-is-zero, several sources, -p, -q, -t, -T, -m, -C, -W on raw targets, -U) and refusals: same
 * stdout, stderr and exit status, and the same target bytes. Each tool writes its own target, in a directory of
 * its own whose name is masked in the output. More cases with {@code -DargLine=-Dblockstep.convertCases=N}.
 */
class ConvertDifferentialTest {
    private static final int CASES = Integer.getInteger("blockstep.convertCases", 180);

    @TempDir
    Path dir;

    private int compared;
    private final java.util.Map<String, Integer> seen = new java.util.TreeMap<>();

    @Test
    void seededConversionsMatchQemuImgConvert() throws Exception {
        List<String> failures = new ArrayList<>();
        for (int i = 1; i <= CASES && failures.size() < 6; i++) {
            one(i, failures);
        }
        System.out.println("ConvertDifferentialTest: " + CASES + " cases, " + compared + " targets compared; " + seen);
        assertEquals("", String.join("\n", failures));
        assertTrue(compared >= CASES / 2, compared + " targets compared of " + CASES + " cases; " + seen);
        for (String option : List.of("-c", "-S", "-B", "-n", "--target-is-zero", "-p", "cluster_size", "compat",
                "sources", "refused", "raw-source", "chain")) {
            assertTrue(seen.getOrDefault(option, 0) >= 5, option + " in too few cases: " + seen);
        }
    }

    private void count(String what) {
        seen.merge(what, 1, Integer::sum);
    }

    private void one(int seed, List<String> failures) throws IOException {
        Random r = new Random(seed);
        String keep = System.getProperty("blockstep.convertKeep");
        if (keep != null) {
            // the failing cases' files, for a look with cmp and qemu-img
            dir = Files.createDirectories(Path.of(keep));
        }
        Path src = Files.createDirectories(dir.resolve("src-" + seed));
        Path q = Files.createDirectories(dir.resolve("q-" + seed));
        Path b = Files.createDirectories(dir.resolve("b-" + seed));
        Source s = source(r, src, "s");
        List<String> sources = new ArrayList<>(List.of(s.path().toString()));
        List<String> args = new ArrayList<>();
        boolean qcow2 = r.nextInt(5) >= 2;
        String outFmt = qcow2 ? "qcow2" : "raw";
        if (qcow2 || r.nextBoolean()) {
            args.addAll(List.of("-O", outFmt));
        }
        boolean compress = qcow2 && r.nextInt(10) < 3;
        int targetCluster = 65536;
        List<String> opts = new ArrayList<>();
        if (qcow2 && r.nextBoolean()) {
            targetCluster = compress ? new int[] {4096, 65536, 1 << 20}[r.nextInt(3)]
                    : new int[] {512, 4096, 65536, 1 << 20}[r.nextInt(4)];
            opts.add("cluster_size=" + targetCluster);
            count("cluster_size");
        }
        if (qcow2 && r.nextInt(4) == 0) {
            opts.add("compat=0.10");
            count("compat");
        } else if (qcow2 && r.nextInt(4) == 0) {
            opts.add("lazy_refcounts=on");
        }
        if (qcow2 && r.nextInt(4) == 0) {
            opts.add("refcount_bits=" + new int[] {1, 8, 64}[r.nextInt(3)]);
        }
        if (qcow2 && !compress && r.nextInt(6) == 0) {
            opts.add("preallocation=metadata");
        }
        boolean skipCreate = r.nextInt(4) == 0;
        boolean backing = qcow2 && !skipCreate && s.base() != null && r.nextInt(3) > 0;
        if (!skipCreate && !opts.isEmpty()) {
            args.addAll(List.of("-o", String.join(",", opts)));
        }
        if (compress) {
            args.add("-c");
            count("-c");
        }
        if (r.nextInt(3) == 0) {
            args.addAll(List.of("-S", new String[] {"0", "512", "4k", "64k", "1M"}[r.nextInt(5)]));
            count("-S");
        }
        if (backing) {
            args.addAll(List.of("-B", s.base().toString(), "-F", "qcow2"));
            count("-B");
        }
        if (!backing && !skipCreate && r.nextInt(8) == 0) {
            sources.add(source(r, src, "t").path().toString());
            count("sources");
        }
        // -p's figure counts the runs block status calls data: file-posix answers from the raw file's extents, where
        // zeros written as data (and the first 4 KiB block qemu-img create allocates in every raw file) are data,
        // while blockstep's copy of a raw file keeps all-zero pages as holes; so raw sources go without -p
        if (r.nextInt(3) == 0 && s.base() == null && !s.path().toString().endsWith(".raw")) {
            args.add("-p");
            count("-p");
        }
        if (r.nextInt(10) == 0) {
            args.add("-q");
        }
        if (r.nextInt(4) == 0) {
            args.addAll(List.of("-t", new String[] {"writeback", "unsafe", "writethrough"}[r.nextInt(3)]));
        }
        if (r.nextInt(5) == 0) {
            args.addAll(List.of("-T", new String[] {"writeback", "unsafe", "writethrough"}[r.nextInt(3)]));
        }
        if (r.nextInt(4) == 0) {
            args.addAll(List.of("-m", Integer.toString(1 + r.nextInt(16))));
        }
        // -C copies a data run whole, so the raw file's zeros that file-posix calls data (see -p) would land too
        if (!compress && !args.contains("-S") && !s.path().toString().endsWith(".raw") && r.nextInt(8) == 0) {
            args.add("-C");
        }
        if (!qcow2 && r.nextInt(4) == 0) {
            // out-of-order writes change nothing on a raw target: each write lands at its own offset
            args.add("-W");
        }
        if (r.nextInt(6) == 0) {
            args.add("-U");
        }
        String target = "T.img";
        if (skipCreate) {
            args.add("-n");
            count("-n");
            long size = s.size() + (r.nextBoolean() ? 0 : 512L * r.nextInt(4096));
            boolean blank = r.nextBoolean();
            if (blank && r.nextBoolean()) {
                args.add("--target-is-zero");
                count("--target-is-zero");
            }
            Path pre = src.resolve("pre.img");
            int cs = new int[] {512, 4096, 65536}[r.nextInt(3)];
            Qemu.Result c = qcow2 ? Qemu.img("create", "-q", "-f", "qcow2", "-o", "cluster_size=" + cs, pre.toString(),
                    Long.toString(size)) : Qemu.img("create", "-q", "-f", "raw", pre.toString(), Long.toString(size));
            assertEquals(0, c.exitCode(), c.stderr());
            if (!blank) {
                write(r, pre, outFmt, cs, size, 6);
            }
            Files.copy(pre, q.resolve(target));
            Files.copy(pre, b.resolve(target));
        }
        boolean refused = r.nextInt(9) == 0;
        if (refused) {
            count("refused");
            refuse(r, args, sources, s);
        }
        args.addAll(sources);
        if (refused && r.nextBoolean() && !skipCreate && !args.contains("-U")) {
            // convert onto one of its sources
            compare(seed, args, sources.get(0), sources.get(0), q, b, failures);
            return;
        }
        compare(seed, args, q.resolve(target).toString(), b.resolve(target).toString(), q, b, failures);
    }

    /** One refusal qemu-img makes the same way every time. */
    private static void refuse(Random r, List<String> args, List<String> sources, Source s) {
        switch (r.nextInt(14)) {
            case 0 -> sources.set(0, s.path() + ".missing");
            case 1 -> args.addAll(0, List.of("-O", "nosuchformat"));
            case 2 -> args.addAll(0, List.of("-S", "100"));
            case 3 -> args.addAll(0, List.of("-m", "0"));
            case 4 -> args.add(0, "-x");
            case 5 -> args.addAll(0, List.of("-O", "raw", "-c"));
            case 6 -> args.addAll(0, List.of("-n", "-o", "cluster_size=4k"));
            case 7 -> args.add(0, "--target-is-zero");
            case 8 -> args.addAll(0, List.of("-O", "qcow2", "-B", s.path().toString()));
            case 9 -> args.addAll(0, List.of("-O", "qcow2", "-o", "foo=bar"));
            case 10 -> args.addAll(0, List.of("-O", "qcow2", "-o", "cluster_size=3k"));
            case 11 -> args.addAll(0, List.of("-C", "--salvage"));
            case 12 -> args.add(0, "--skip-broken-bitmaps");
            default -> args.addAll(0, List.of("-l", "snap"));
        }
    }

    private void compare(int seed, List<String> args, String qTarget, String bTarget, Path q, Path b,
                         List<String> failures) throws IOException {
        List<String> qa = new ArrayList<>(List.of("convert"));
        qa.addAll(args);
        qa.add(qTarget);
        List<String> ba = new ArrayList<>(List.of("convert"));
        ba.addAll(args);
        ba.add(bTarget);
        Path qt = Path.of(qTarget);
        Path bt = Path.of(bTarget);
        byte[] sourceBefore = qTarget.equals(bTarget) && Files.exists(qt) ? Files.readAllBytes(qt) : null;
        CreateAndIoCommandTest.Run ours = CreateAndIoCommandTest.run(null, ba.toArray(String[]::new));
        Qemu.Result theirs = Qemu.run("qemu-img", qa, null);
        String how = "case " + seed + ": convert " + String.join(" ", args);
        String mask = "DIR";
        check(failures, how + " stdout", theirs.stdout().replace(q.toString(), mask),
                ours.stdout().replace(b.toString(), mask));
        check(failures, how + " stderr", theirs.stderr().replace(q.toString(), mask),
                ours.stderr().replace(b.toString(), mask));
        check(failures, how + " exit status", theirs.exitCode(), ours.exitCode());
        if (sourceBefore != null) {
            if (!Arrays.equals(sourceBefore, Files.readAllBytes(qt))) {
                failures.add(how + ": the source converted onto itself changed");
            }
            return;
        }
        check(failures, how + " target exists", Files.exists(qt), Files.exists(bt));
        if (Files.exists(qt) && Files.exists(bt)) {
            compared++;
            boolean same = Arrays.equals(Files.readAllBytes(qt), Files.readAllBytes(bt));
            if (!same && args.contains("-c")) {
                // java.util.zip cannot ask zlib for qemu's 4 KiB window: compressed clusters of mixed data deflate
                // to other bytes; the guest content and the allocation summary must still be qemu's
                count("compressed bytes differ");
                Qemu.Result content = Qemu.img("compare", "-f", "qcow2", "-F", "qcow2", qTarget, bTarget);
                check(failures, how + " content (qemu-img compare)", "0 " + content.stdout(),
                        content.exitCode() + " " + content.stdout());
                Qemu.Result qm = Qemu.img("map", "--output=json", qTarget);
                Qemu.Result bm = Qemu.img("map", "--output=json", bTarget);
                check(failures, how + " map without host offsets", layout(qm.stdout()), layout(bm.stdout()));
                if (theirs.exitCode() == 0) {
                    // the end-of-file write rounds the file up to whole sectors
                    check(failures, how + " file length modulo 512", Files.size(qt) % 512, Files.size(bt) % 512);
                }
                Qemu.Result qc = Qemu.img("check", qTarget);
                Qemu.Result bc = Qemu.img("check", bTarget);
                check(failures, how + " qemu-img check of the target", qc.exitCode() + " " + qc.stdout().lines()
                        .filter(l -> l.contains("allocated")).toList(), bc.exitCode() + " " + bc.stdout().lines()
                        .filter(l -> l.contains("allocated")).toList());
                return;
            }
            if (!same) {
                failures.add(how + ": target bytes differ (" + Files.size(qt) + " and " + Files.size(bt)
                        + " bytes; cmp " + qt + " " + bt + ")");
            }
        }
    }

    /** A source image, the base under it when it is a chain, and its virtual size. */
    private record Source(Path path, Path base, long size) {
    }

    /** A raw image, a qcow2 image or a chain of two or three qcow2 images, written by qemu-io. */
    private Source source(Random r, Path at, String name) {
        int kind = r.nextInt(10);
        long size = (1L << 20) * (1 + r.nextInt(4)) + (r.nextInt(4) == 0 ? 512L * r.nextInt(128) : 0);
        if (kind < 2) {
            count("raw-source");
            Path raw = at.resolve(name + ".raw");
            Qemu.Result c = Qemu.img("create", "-q", "-f", "raw", raw.toString(), Long.toString(size));
            assertEquals(0, c.exitCode(), c.stderr());
            write(r, raw, "raw", 512, size, 2 + r.nextInt(8));
            return new Source(raw, null, size);
        }
        int layers = kind < 6 ? 1 : 2 + r.nextInt(2);
        if (layers > 1) {
            count("chain");
        }
        Path below = null;
        Path img = null;
        Path base = null;
        for (int i = layers - 1; i >= 0; i--) {
            int cs = new int[] {512, 4096, 65536, 65536, 2 << 20}[r.nextInt(5)];
            long layerSize = i == layers - 1 && layers > 1 && r.nextInt(4) == 0 ? size / 2 / 512 * 512 : size;
            img = at.resolve(name + "-l" + i + ".qcow2");
            List<String> create = new ArrayList<>(List.of("create", "-q", "-f", "qcow2", "-o", "cluster_size=" + cs));
            if (below != null) {
                create.addAll(List.of("-b", below.getFileName().toString(), "-F", "qcow2"));
            }
            create.addAll(List.of(img.toString(), Long.toString(layerSize)));
            Qemu.Result c = Qemu.img(create.toArray(String[]::new));
            assertEquals(0, c.exitCode(), c.stderr());
            write(r, img, "qcow2", cs, layerSize, 2 + r.nextInt(8));
            base = below;
            below = img;
        }
        return new Source(img, base, size);
    }

    /** qemu-io commands on the image: data (some of zeros), zero writes, discards, compressed clusters. */
    private static void write(Random r, Path img, String format, int cs, long size, int count) {
        List<String> io = new ArrayList<>(List.of("-f", format));
        for (int k = 0; k < count; k++) {
            long off = 512L * r.nextInt((int) (size / 512));
            long len = Math.min(512L * (1 + r.nextInt(r.nextBoolean() ? 16 : 512)), size - off);
            io.add("-c");
            io.add(switch (r.nextInt(8)) {
                case 0 -> "write -z " + off + " " + len;
                case 1 -> "write -z -u " + off + " " + len;
                case 2 -> "discard " + off + " " + len;
                // zeros written as data: file-posix reports them as data, while blockstep's copy of a raw file
                // keeps every all-zero page as a hole (its block status then differs, and so does -p's figure)
                case 3 -> format.equals("raw") ? "write -z " + off + " " + len : "write -P 0 " + off + " " + len;
                // qemu-io 7.2 marks 512-byte-cluster images corrupt after some compressed writes
                case 4 -> format.equals("qcow2") && cs >= 4096 && size >= cs
                        ? "write -c -P " + (1 + r.nextInt(9)) + " " + off / cs * cs + " " + cs
                        : "write -P 3 " + off + " " + len;
                default -> "write -P " + (1 + r.nextInt(250)) + " " + off + " " + len;
            });
        }
        io.add(img.toString());
        Qemu.Result w = Qemu.io(io.toArray(String[]::new));
        assertTrue(!w.stderr().contains("corrupt"), w.stderr());
    }

    /**
     * qemu-img map's JSON without host offsets, neighbours of one kind merged: compressed clusters of other sizes
     * move the host clusters after them, which splits or joins map entries without changing what the guest sees.
     */
    private static List<String> layout(String mapJson) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"start\": (\\d+), \"length\": (\\d+), "
                + "(\"depth\": \\d+, \"present\": \\w+, \"zero\": \\w+, \"data\": \\w+)").matcher(mapJson);
        List<String> out = new ArrayList<>();
        String kind = null;
        long start = 0;
        long end = 0;
        while (m.find()) {
            // zero and data together come from holes in the host file (qemu's metadata preallocation probe): blockstep
            // saves all-zero pages as holes where qemu wrote zeros, which the guest cannot tell apart
            String k = m.group(3).replace("\"zero\": true, \"data\": true", "\"zero\": false, \"data\": true");
            if (!k.equals(kind)) {
                if (kind != null) {
                    out.add(start + "+" + (end - start) + " " + kind);
                }
                kind = k;
                start = Long.parseLong(m.group(1));
            }
            end = Long.parseLong(m.group(1)) + Long.parseLong(m.group(2));
        }
        if (kind != null) {
            out.add(start + "+" + (end - start) + " " + kind);
        }
        return out;
    }

    private static void check(List<String> failures, String what, Object qemu, Object ours) {
        if (!qemu.equals(ours)) {
            failures.add(what + " differs\n  qemu-img:  " + qemu + "\n  blockstep: " + ours);
        }
    }
}
