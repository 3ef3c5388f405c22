package dev.blockstep.engine.qcow2;

import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qemuio.EngineIo;
import dev.blockstep.engine.testing.Qemu;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs one script through real qemu-io and through the engine as {@code blockstep io} runs it, and compares what they leave behind. */
final class Differential {
    record Outcome(byte[] qemuImage, byte[] engineImage, List<String> qemuLines, List<String> engineLines,
                   String engineCheck, int engineCheckExit) {
        /** First differing byte offset, or -1 (lengths included). */
        long firstDifference() {
            int n = Math.min(qemuImage.length, engineImage.length);
            for (int i = 0; i < n; i++) {
                if (qemuImage[i] != engineImage[i]) {
                    return i;
                }
            }
            return qemuImage.length == engineImage.length ? -1 : n;
        }
    }

    private Differential() {
    }

    static Outcome run(Path dir, String name, long size, int clusterSize, List<String> script, boolean engineCreates)
            throws Exception {
        return run(dir, name, size, "cluster_size=" + clusterSize, clusterSize, script, engineCreates);
    }

    static Outcome run(Path dir, String name, long size, String createOptions, int clusterSize, List<String> script,
                       boolean engineCreates) throws Exception {
        Path q = dir.resolve(name + "-qemu.qcow2");
        Path e = dir.resolve(name + "-engine.qcow2");
        var c = Qemu.img("create", "-q", "-f", "qcow2", "-o", createOptions, q.toString(), Long.toString(size));
        if (c.exitCode() != 0) {
            throw new AssertionError("qemu-img create failed: " + c.stderr());
        }
        HostFile start = engineCreates ? Qcow2Create.create(size, clusterSize) : HostFile.load(q);
        start.save(e);
        Qemu.Result r = Qemu.ioStdin(q, String.join("\n", script) + "\n");
        List<String> qemuLines = interesting(List.of(r.stdout().replace("qemu-io> ", "").split("\n")));
        qemuLines.addAll(interesting(List.of(r.stderr().split("\n"))));

        EngineIo.Run run = EngineIo.run(HostFile.load(e), script);
        run.file().save(e);
        List<String> engineLines = interesting(run.out());
        engineLines.addAll(interesting(run.err()));
        Qemu.Result check = Qemu.img("check", e.toString());
        return new Outcome(Files.readAllBytes(q), Files.readAllBytes(e), qemuLines, engineLines,
                check.stdout() + check.stderr(), check.exitCode());
    }

    /** Result lines without timing: what must agree between qemu-io and the engine. */
    private static List<String> interesting(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            if (l.isBlank() || l.contains(" ops; ")) {
                continue;
            }
            out.add(l);
        }
        return out;
    }
}
