package dev.blockstep.app.hostile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The hostile cases of issue 15: fixed cases for each class the issue names, then seeded image mutants run
 * through check, io, run, explore and verify. Each case gets a directory of its own under the root.
 */
final class HostileCorpus {

    private static final List<String> IO_SCRIPT = List.of("aio_write -P 0x5a 0 64k", "aio_flush", "write -P 0x5b 3M 64k",
            "discard 5M 64k", "read -P 0x5a 0 64k");
    private final Path root;
    private final List<HostileCase> cases = new ArrayList<>();
    private int next;

    private HostileCorpus(Path root) {
        this.root = root;
    }

    /** @param mutants how many seeded image mutants to add after the fixed cases */
    static List<HostileCase> build(Path root, long seed, int mutants) throws IOException, InterruptedException {
        HostileCorpus c = new HostileCorpus(root);
        if (!Boolean.getBoolean("hostile.mutantsOnly")) {
            FixedCases.addAll(c);
        }
        Path mdir = Files.createDirectories(root.resolve("mutant-base"));
        Mutants m = Mutants.create(mdir);
        for (int i = 0; i < mutants; i++) {
            c.mutant(m, seed, i);
        }
        return List.copyOf(c.cases);
    }

    Path dir(String name) throws IOException {
        return Files.createDirectories(root.resolve(String.format("%03d-%s", next++, name)));
    }

    void add(HostileCase c) {
        cases.add(c);
    }

    static Path text(Path dir, String file, String content) throws IOException {
        return Files.writeString(dir.resolve(file), content, StandardCharsets.UTF_8);
    }

    static Path resource(Path dir, String resource, String file) throws IOException {
        try (InputStream in = HostileCorpus.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("missing test resource " + resource);
            }
            Files.copy(in, dir.resolve(file));
        }
        return dir.resolve(file);
    }

    private void mutant(Mutants m, long seed, int n) throws IOException, InterruptedException {
        Path d = dir("mutant-" + n);
        Path img = d.resolve("m.qcow2");
        String what = m.write(seed, n, img);
        String tag = "mutant " + n + " (" + what + ")";
        add(HostileCase.of(tag + ": check", d, new Expect.SameAsQemu("qemu-img check", Qemu.check(d, img)),
                List.of(img), "check", "m.qcow2"));
        Path ref = d.resolve("qemu.qcow2");
        Files.copy(img, ref);
        Path mine = d.resolve("io.qcow2");
        Files.copy(img, mine);
        int qemuIo = Qemu.io(d, ref, IO_SCRIPT);
        long qemuSize = DiskUsage.allocated(ref);
        List<String> io = new ArrayList<>(List.of("io"));
        IO_SCRIPT.forEach(c -> io.addAll(List.of("-c", c)));
        io.add("io.qcow2");
        add(new HostileCase(tag + ": io", io, d, List.of(img), List.of(mine), qemuSize + (1 << 20),
                new Expect.SameAsQemu("qemu-io", qemuIo), HostileCase.DEFAULT_TIMEOUT));
        text(d, "t.json", TraceText.base("m.qcow2", List.of(TraceText.write("w0", 0, 65536, 0x5a),
                TraceText.write("w1", 3 << 20, 65536, 0x5b))));
        text(d, "s.json", TraceText.base("m.qcow2", TraceText.race()));
        List<Path> inputs = List.of(img, d.resolve("t.json"), d.resolve("s.json"));
        switch (n % 3) {
            case 0 -> add(HostileCase.of(tag + ": run --image-out", d, new Expect.Any(), inputs,
                    "run", "--image-out", "out.qcow2", "t.json").withOutput(d.resolve("out.qcow2"),
                    Math.max(qemuSize, DiskUsage.allocated(img)) + (1 << 20)));
            case 1 -> add(HostileCase.of(tag + ": explore", d, new Expect.Any(), inputs,
                    "explore", "--random", "3", "-o", "ce.json", "s.json"));
            default -> add(HostileCase.of(tag + ": verify", d, new Expect.Any(), inputs,
                    "verify", "--max-states", "3000", "s.json"));
        }
    }
}
