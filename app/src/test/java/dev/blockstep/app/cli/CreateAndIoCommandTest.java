package dev.blockstep.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.app.Main;
import dev.blockstep.engine.testing.Qemu;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code blockstep create} and {@code blockstep io} in-process, compared with qemu-img create and qemu-io. */
class CreateAndIoCommandTest {

    @TempDir
    Path dir;

    record Run(int exitCode, String stdout, String stderr) {
    }

    static Run run(String stdin, String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        InputStream oldIn = System.in;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            System.setIn(new ByteArrayInputStream((stdin == null ? "" : stdin).getBytes(StandardCharsets.UTF_8)));
            code = Main.run(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            System.setIn(oldIn);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Output without qemu-io's timing lines, which depend on the clock. */
    static String untimed(String s) {
        List<String> keep = new ArrayList<>();
        for (String l : s.split("\n")) {
            if (!l.contains(" ops; ")) {
                keep.add(l);
            }
        }
        return String.join("\n", keep);
    }

    @Test
    void createWritesQemuImgsBytesAndPrintsItsLine() throws Exception {
        Path ours = dir.resolve("ours.qcow2");
        Path theirs = dir.resolve("theirs.qcow2");
        Run r = run(null, "create", "-f", "qcow2", "-o", "cluster_size=4k", ours.toString(), "16M");
        var q = Qemu.img("create", "-f", "qcow2", "-o", "cluster_size=4k", theirs.toString(), "16M");
        assertEquals(0, r.exitCode());
        assertEquals(q.stdout().replace(theirs.toString(), ours.toString()), r.stdout());
        assertArrayEquals(Files.readAllBytes(theirs), Files.readAllBytes(ours));
    }

    @Test
    void createRefusesBadClusterSizesWithQemusMessage() {
        Run r = run(null, "create", "-f", "qcow2", "-o", "cluster_size=1000", dir.resolve("x.qcow2").toString(), "1M");
        assertEquals(1, r.exitCode());
        assertTrue(r.stderr().endsWith("Cluster size must be a power of two between 512 and 2048k\n"), r.stderr());
    }

    @Test
    void ioCommandsPrintQemuIosLinesAndLeaveItsBytes() throws Exception {
        Path ours = dir.resolve("io-ours.qcow2");
        Path theirs = dir.resolve("io-theirs.qcow2");
        Qemu.img("create", "-q", "-f", "qcow2", theirs.toString(), "16M");
        Files.copy(theirs, ours);
        String[] cmds = {"write -P 0x11 0 64k", "write -z 0 64k", "write -P 0x22 4k 4k", "read -P 0x22 4k 4k",
                "read -P 0x33 0 512", "write -z -u 0 64k", "discard 128k 64k", "write 16M 1", "write -u 0 1",
                "write 0 12x", "flush"};
        List<String> args = new ArrayList<>(List.of("io"));
        List<String> qargs = new ArrayList<>(List.of("-f", "qcow2"));
        for (String c : cmds) {
            args.addAll(List.of("-c", c));
            qargs.addAll(List.of("-c", c));
        }
        args.add(ours.toString());
        qargs.add(theirs.toString());
        Run r = run(null, args.toArray(String[]::new));
        var q = Qemu.io(qargs.toArray(String[]::new));
        assertEquals(q.exitCode(), r.exitCode());
        assertEquals(untimed(q.stdout()), untimed(r.stdout()));
        assertArrayEquals(Files.readAllBytes(theirs), Files.readAllBytes(ours));
    }

    @Test
    void ioReadsCommandsFromStandardInputWithQemuIosPrompt() throws Exception {
        Path ours = dir.resolve("stdin-ours.qcow2");
        Path theirs = dir.resolve("stdin-theirs.qcow2");
        Qemu.img("create", "-q", "-f", "qcow2", "-o", "cluster_size=512", theirs.toString(), "16M");
        Files.copy(theirs, ours);
        String script = "write -P 1 0 3k\ndiscard 512 1k\nwrite -z 5000 100\nbogus\nread -P 1 0 512\n";
        Run r = run(script, "io", ours.toString());
        var q = Qemu.ioStdin(theirs, script);
        assertEquals(q.exitCode(), r.exitCode());
        assertEquals(untimed(q.stdout()), untimed(r.stdout()));
        assertEquals(q.stderr(), r.stderr());
        assertArrayEquals(Files.readAllBytes(theirs), Files.readAllBytes(ours));
    }

    @Test
    void ioRefusesBadImagesWithOneLineAndNoStackTrace() throws Exception {
        Path bad = dir.resolve("bad.qcow2");
        Qemu.img("create", "-q", "-f", "qcow2", bad.toString(), "16M");
        byte[] b = Files.readAllBytes(bad);
        b[0x17] = 30; // cluster_bits
        Files.write(bad, b);
        Run r = run(null, "io", "-c", "read 0 1", bad.toString());
        assertEquals(1, r.exitCode());
        assertEquals(1, r.stderr().strip().split("\n").length, r.stderr());
        assertTrue(r.stderr().contains("cluster_bits"), r.stderr());
        assertFalse(r.stderr().contains("Exception") || r.stderr().contains("\tat "), r.stderr());
        assertArrayEquals(b, Files.readAllBytes(bad), "a refused image is left as it was");
        Path trunc = dir.resolve("trunc.qcow2");
        Files.write(trunc, Arrays.copyOf(b, 50));
        Run t = run(null, "io", "-c", "read 0 1", trunc.toString());
        assertEquals(1, t.exitCode());
        assertEquals(1, t.stderr().strip().split("\n").length, t.stderr());
    }
}
