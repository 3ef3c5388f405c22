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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images with lazy refcounts against real qemu-io and qemu-img 7.2, on copies of one image made by qemu-img: seeded
 * scripts that end in a clean close, {@code sigraise 9} or {@code abort}, then the read-write open that repairs the
 * dirty image, then qemu-img check. Each stage must give the same stdout (timing masked), stderr, exit status and
 * image bytes. blockstep runs in a child JVM, since sigraise and abort end the process they run in. No request is in
 * flight when qemu-io dies: how far one got in qemu depends on timing (seen: a flush returning before an aio_write's
 * L2 update left leaked clusters), while blockstep stops each at its next step.
 */
class LazyRefcountsAgainstQemuTest {

    @TempDir
    Path dir;

    private static final int SCRIPTS = 60;

    @Test
    void seededScriptsKilledClosedAndRepairedMatchQemu() throws Exception {
        List<String> failures = new ArrayList<>();
        int killed = 0;
        int dirty = 0;
        for (int seed = 0; seed < SCRIPTS; seed++) {
            Random r = new Random(seed);
            int clusterSize = r.nextBoolean() ? 4096 : 65536;
            Path base = dir.resolve("base-" + seed + ".qcow2");
            Qemu.Result made = Qemu.img("create", "-q", "-f", "qcow2", "-o",
                    "compat=1.1,lazy_refcounts=on,cluster_size=" + clusterSize, base.toString(), "64M");
            assertEquals(0, made.exitCode(), made.stderr());
            List<String> script = script(r, clusterSize);
            List<String> options = r.nextInt(4) == 0 ? List.of("-t", "writeback") : List.of();
            String how = "seed " + seed + " " + options + " " + script;
            Path q = dir.resolve("q.qcow2");
            Path b = dir.resolve("b.qcow2");
            Files.copy(base, q, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(base, b, StandardCopyOption.REPLACE_EXISTING);
            List<String> args = new ArrayList<>(options);
            args.addAll(IoParity.dashC(script));
            compare(how, failures, q, b, args);
            if (script.get(script.size() - 1).startsWith("sigraise") || script.get(script.size() - 1).equals("abort")) {
                killed++;
            }
            if ((Files.readAllBytes(q)[0x4f] & 1) != 0) {
                dirty++;
            }
            // qemu-img info and check -r all on copies of the image as qemu-io left it
            sameTool(how + ", info", failures, List.of("info"), q, b);
            Path qr = dir.resolve("qr.qcow2");
            Path br = dir.resolve("br.qcow2");
            Files.copy(q, qr, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(q, br, StandardCopyOption.REPLACE_EXISTING);
            sameTool(how + ", check -r all", failures, List.of("check", "-r", "all"), qr, br);
            if (!Arrays.equals(Files.readAllBytes(qr), Files.readAllBytes(br))) {
                failures.add(how + ", check -r all: the repaired images differ");
            }
            // the next read-write open repairs a dirty image and writes once more
            compare(how + ", reopened", failures, q, b, List.of("-c", "write -P 0x77 " + clusterSize + " 512"));
            sameTool(how + ", check", failures, List.of("check"), q, b);
        }
        assertTrue(failures.isEmpty(), failures.size() + " differences:\n" + String.join("\n", failures));
        // the scripts must reach what they are for: dying with the dirty bit set, and repairs at the next open
        assertTrue(killed >= SCRIPTS / 2, killed + " scripts killed");
        assertTrue(dirty >= SCRIPTS / 4, dirty + " images left dirty");
    }

    /** Refused and harmless signal lines: qemu-io's messages and status, and the commands after them still run. */
    @Test
    void sigraiseAndAbortRefusalsAndIgnoredSignalsMatchQemu() throws Exception {
        Path base = dir.resolve("plain.qcow2");
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", base.toString(), "1M").exitCode());
        List<String> failures = new ArrayList<>();
        for (String line : List.of("sigraise 99", "sigraise x", "sigraise", "sigraise 1 2", "sigraise -1", "sigraise 0",
                "sigraise 17", "sigraise 28", "abort x")) {
            List<String> script = List.of("write -P 0x11 0 512", line, "read -P 0x11 0 512");
            IoParity.QemuRun q = IoParity.qemu(base, dir.resolve("q.qcow2"), script, false);
            IoParity.compare(q, base, dir.resolve("b.qcow2"), script, false, List.of(), line, failures);
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /** Writes, zero writes, discards and flushes over several L2 tables and refcount blocks, then an ending. */
    private static List<String> script(Random r, int clusterSize) {
        List<String> s = new ArrayList<>();
        int n = 1 + r.nextInt(8);
        long span = clusterSize == 4096 ? 64L << 20 : 8L << 20;
        for (int i = 0; i < n; i++) {
            long off = (r.nextLong(span) / 512) * 512;
            long len = Math.min(span - off, 512L * (1 + r.nextInt(clusterSize * 3 / 512)));
            switch (r.nextInt(8)) {
                case 0 -> s.add("write -z " + off + " " + len);
                case 1 -> s.add("write -z -u " + off + " " + len);
                case 2 -> s.add("discard " + off + " " + len);
                case 3 -> s.add("flush");
                case 4 -> s.add("aio_write -P 0x" + Integer.toHexString(1 + r.nextInt(254)) + " " + off + " " + len);
                default -> s.add("write -P 0x" + Integer.toHexString(1 + r.nextInt(254)) + " " + off + " " + len);
            }
        }
        if (s.stream().anyMatch(c -> c.startsWith("aio_write"))) {
            // what a request in flight has done when qemu-io dies depends on qemu's thread pool and main loop timing
            s.add("aio_flush");
        }
        switch (r.nextInt(6)) {
            case 0 -> { }
            case 1 -> s.add("abort");
            default -> s.add("sigraise 9");
        }
        return s;
    }

    private void compare(String how, List<String> failures, Path q, Path b, List<String> ioArgs) throws Exception {
        List<String> qa = new ArrayList<>(List.of("-f", "qcow2"));
        qa.addAll(ioArgs);
        qa.add(q.toString());
        Qemu.Result qr = Qemu.run("qemu-io", qa, null);
        List<String> ba = new ArrayList<>(List.of("io", "-f", "qcow2"));
        ba.addAll(ioArgs);
        ba.add(b.toString());
        Qemu.Result br = child(ba);
        List<String> qOut = IoParity.masked(qr.stdout());
        List<String> bOut = IoParity.masked(br.stdout());
        if (ioArgs.stream().anyMatch(a -> a.startsWith("aio_write"))) {
            // aio completions print in the order qemu's thread pool finishes them
            qOut = qOut.stream().sorted().toList();
            bOut = bOut.stream().sorted().toList();
        }
        if (!qOut.equals(bOut)) {
            failures.add(how + ": stdout differs\n  qemu-io: " + qr.stdout() + "\n  blockstep: " + br.stdout());
        }
        if (!qr.stderr().equals(br.stderr()) || qr.exitCode() != br.exitCode()) {
            failures.add(how + ": stderr or exit status differs\n  qemu-io: " + qr.exitCode() + " " + qr.stderr()
                    + "\n  blockstep: " + br.exitCode() + " " + br.stderr());
        }
        if (!Arrays.equals(Files.readAllBytes(q), Files.readAllBytes(b))) {
            failures.add(how + ": the images differ");
        }
        // the next stage starts from qemu's bytes, so one difference is reported once
        Files.copy(q, b, StandardCopyOption.REPLACE_EXISTING);
    }

    /** qemu-img {@code args} on {@code q} and blockstep on {@code b}: same output (file names aside) and status. */
    private static void sameTool(String how, List<String> failures, List<String> args, Path q, Path b) {
        List<String> qa = new ArrayList<>(args);
        qa.add(q.toString());
        List<String> ba = new ArrayList<>(args);
        ba.add(b.toString());
        Qemu.Result qc = Qemu.run("qemu-img", qa, null);
        Qemu.Result bc = child(ba);
        // disk size is the copies' allocation, not the image's content
        String qOut = qc.stdout().replace(q.toString(), "IMG").replaceAll("disk size: .*", "disk size");
        String bOut = bc.stdout().replace(b.toString(), "IMG").replaceAll("disk size: .*", "disk size");
        if (qc.exitCode() != bc.exitCode() || !qOut.equals(bOut) || !qc.stderr().equals(bc.stderr())) {
            failures.add(how + " differs\n  qemu-img: " + qc + "\n  blockstep: " + bc);
        }
    }

    /** blockstep's CLI in a child JVM on this build's class path; a signal's death shows as 128 + N. */
    static Qemu.Result child(List<String> args) {
        List<String> cmd = new ArrayList<>(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), "dev.blockstep.app.Main"));
        cmd.addAll(args);
        return Qemu.run(Path.of(System.getProperty("java.home"), "bin", "java").toString(), cmd, null);
    }
}
