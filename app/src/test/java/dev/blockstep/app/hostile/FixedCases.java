package dev.blockstep.app.hostile;

import static dev.blockstep.app.hostile.HostileCorpus.resource;
import static dev.blockstep.app.hostile.HostileCorpus.text;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/** One or more cases for every kind of hostile input issue 15 lists, and some CLI misuse. */
final class FixedCases {

    private static final Expect REFUSED = new Expect.Refused();
    private static final Expect ANY = new Expect.Any();

    private FixedCases() {
    }

    static void addAll(HostileCorpus c) throws IOException, InterruptedException {
        outputIsInput(c);
        streams(c);
        ranges(c);
        paths(c);
        errors(c);
        memory(c);
    }

    private static void outputIsInput(HostileCorpus c) throws IOException, InterruptedException {
        Path d = c.dir("import-qemu-io-o-itself");
        Path s = text(d, "s.qemu-io", "aio_write -P 0x22 0 64k\naio_flush\n");
        c.add(HostileCase.of("import-qemu-io S -o S", d, REFUSED, List.of(s), "import-qemu-io", "s.qemu-io", "-o",
                "s.qemu-io"));
        d = c.dir("import-qemu-log-o-itself");
        Path l = resource(d, "/samples/captured-qemu.log", "l.log");
        c.add(HostileCase.of("import-qemu-log L -o L", d, REFUSED, List.of(l), "import-qemu-log", "l.log", "-o",
                "l.log"));
        d = c.dir("import-qemu-log-o-script");
        l = resource(d, "/samples/captured-qemu.log", "l.log");
        s = resource(d, "/samples/captured-qemu.qemu-io", "s.qemu-io");
        c.add(HostileCase.of("import-qemu-log L --script S -o S", d, REFUSED, List.of(l, s), "import-qemu-log",
                "l.log", "--script", "s.qemu-io", "-o", "./s.qemu-io"));
        d = c.dir("explore-o-itself");
        Path e = text(d, "e.json", TraceText.race(TraceText.raceImage()));
        c.add(HostileCase.of("explore -o E E", d, REFUSED, List.of(e), "explore", "--exhaustive", "-o", "e.json",
                "e.json"));
        d = c.dir("verify-counterexample-is-scenario");
        e = text(d, "e.json", TraceText.race(TraceText.raceImage()));
        Path ce = text(d, "e-counterexample.json", TraceText.race(TraceText.raceImage()));
        // verify writes counterexamples only into -o DIR; there, E's file would be the second scenario
        c.add(HostileCase.of("verify -o . E E-counterexample.json (E's output there)", d, REFUSED, List.of(e, ce),
                "verify", "-o", ".", "e.json", "e-counterexample.json"));
        d = c.dir("minimize-o-itself");
        Path m = text(d, "m.json", TraceText.race(TraceText.raceImage()));
        c.add(HostileCase.of("minimize -o S S", d, REFUSED, List.of(m), "minimize", "-o", "m.json", "m.json"));
        d = c.dir("run-image-out-base");
        Path base = qemuImage(d, "b.qcow2", "16M");
        Path t = text(d, "t.json", TraceText.base("b.qcow2", List.of(TraceText.write("w0", 0, 65536, 1))));
        c.add(HostileCase.of("run --image-out BASE (the trace's own base image)", d, REFUSED, List.of(base, t),
                "run", "--image-out", "b.qcow2", "t.json"));
        d = c.dir("run-base-l1-size-0");
        Path noL1 = qemuImage(d, "b.qcow2", "16M");
        try (FileChannel ch = FileChannel.open(noL1, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(4), 0x24); // l1_size 0: qemu-img says "L1 table is too small"
        }
        t = text(d, "t.json", TraceText.base("b.qcow2", List.of(TraceText.write("w0", 0, 65536, 1))));
        c.add(HostileCase.of("run --image-out on a base image whose l1_size is 0", d, REFUSED, List.of(noL1, t),
                "run", "--image-out", "out.qcow2", "t.json"));
        d = c.dir("run-image-out-trace");
        t = text(d, "t.json", TraceText.fresh(16 << 20, List.of(TraceText.write("w0", 0, 65536, 1))));
        c.add(HostileCase.of("run --image-out T T", d, REFUSED, List.of(t), "run", "--image-out", "t.json", "t.json"));
    }

    private static void streams(HostileCorpus c) throws IOException, InterruptedException {
        Path d = c.dir("fifo");
        Path fifo = fifo(d, "f");
        c.add(HostileCase.of("io on a FIFO", d, new Expect.SameAsQemu("qemu-io", 1), List.of(fifo), "io", "-c",
                "read 0 512", "f"));
        c.add(HostileCase.of("check on a FIFO (qemu-img hangs; refusing is the promise)", d, REFUSED, List.of(fifo),
                "check", "f"));
        c.add(HostileCase.of("import-qemu-io on a FIFO", d, REFUSED, List.of(fifo), "import-qemu-io", "f", "-o",
                "t1.json"));
        c.add(HostileCase.of("import-qemu-log on a FIFO", d, REFUSED, List.of(fifo), "import-qemu-log", "f", "-o",
                "t2.json"));
        Path t = text(d, "t.json", TraceText.base("f", TraceText.race()));
        c.add(HostileCase.of("run with a FIFO base image", d, REFUSED, List.of(t), "run", "t.json"));
        c.add(HostileCase.of("explore with a FIFO base image", d, REFUSED, List.of(t), "explore", "--random", "2",
                "-o", "ce.json", "t.json"));
        d = c.dir("device");
        Files.createSymbolicLink(d.resolve("zero"), Path.of("/dev/zero"));
        t = text(d, "t.json", TraceText.base("zero", TraceText.race()));
        c.add(HostileCase.of("run with /dev/zero as base image", d, REFUSED, List.of(t), "run", "t.json"));
        c.add(HostileCase.of("verify with /dev/zero as base image", d, REFUSED, List.of(t), "verify", "t.json"));
        c.add(HostileCase.of("io on /dev/zero", d, new Expect.SameAsQemu("qemu-io", 1), List.of(), "io", "-c",
                "read 0 512", "/dev/zero"));
        c.add(HostileCase.of("create /dev/null", d, new Expect.SameAsQemu("qemu-img create",
                Qemu.run(d, 10, "qemu-img", "create", "-q", "-f", "qcow2", "/dev/null", "1M")), List.of(),
                "create", "-f", "qcow2", "/dev/null", "1M"));
    }

    private static void ranges(HostileCorpus c) throws IOException, InterruptedException {
        Path d = c.dir("overflow");
        Path t = text(d, "t.json", TraceText.fresh(16 << 20,
                List.of(TraceText.write("w0", Long.MAX_VALUE - 4095, 65536, 1))));
        c.add(HostileCase.of("trace write whose offset + length overflows 64 bits", d, REFUSED, List.of(t), "run",
                "t.json"));
        Path e = text(d, "e.json", TraceText.fresh(16 << 20, List.of(TraceText.aioWrite("w0", Long.MAX_VALUE - 4095,
                65536, 1), TraceText.aioFlush())));
        c.add(HostileCase.of("scenario write whose offset + length overflows 64 bits", d, REFUSED, List.of(e),
                "explore", "--exhaustive", "-o", "ce.json", "e.json"));
        d = c.dir("past-end");
        Path small = qemuImage(d, "small.qcow2", "1M");
        t = text(d, "t.json", TraceText.base("small.qcow2", List.of(TraceText.write("w0", 2 << 20, 65536, 1))));
        c.add(HostileCase.of("trace write past the end of a 1 MiB base image", d, REFUSED, List.of(small, t), "run",
                "t.json"));
        Path io = qemuImage(d, "io.qcow2", "1M");
        c.add(HostileCase.of("io write past the end", d, new Expect.SameAsQemu("qemu-io", 1), List.of(), "io", "-c",
                "write 2M 64k", "io.qcow2"));
        c.add(HostileCase.of("io write whose offset + length overflows", d, new Expect.SameAsQemu("qemu-io", 1),
                List.of(), "io", "-c", "write 9223372036854775296 64k", "io.qcow2"));
        d = c.dir("two-pib");
        e = text(d, "e.json", TraceText.fresh(2L << 50, TraceText.race()));
        c.add(HostileCase.of("explore --random on a 2 PiB scenario", d, ANY, List.of(e), "explore", "--random", "1",
                "-o", "ce.json", "e.json"));
        // 30 s of CPU: each takes about 2.5 s of CPU (11 s of wall time on this 2-core machine at a load of 20, 16 to
        // 20 s at a load of 40); a search whose cost grows with the virtual size (a 32 MiB L1 table per open) did not
        // end within 30 s
        c.add(HostileCase.of("explore --exhaustive on a 2 PiB scenario", d, ANY, List.of(e), "explore", "--exhaustive",
                "-o", "ce.json", "e.json").withTimeout(30));
        c.add(HostileCase.of("verify a 2 PiB scenario", d, ANY, List.of(e), "verify", "e.json").withTimeout(30));
        c.add(HostileCase.of("minimize a 2 PiB scenario", d, ANY, List.of(e), "minimize", "--budget", "2", "-o",
                "min.json", "e.json").withTimeout(30));
        d = c.dir("far-tables");
        Path far = qemuImage(d, "far.qcow2", "16M");
        Qemu.io(d, far, List.of("write -P 0x11 0 64k"));
        pointL1Far(far);
        Path ref = d.resolve("ref.qcow2");
        Files.copy(far, ref);
        Qemu.io(d, ref, List.of("write -P 0x5a 1M 64k"));
        t = text(d, "t.json", TraceText.base("far.qcow2", List.of(TraceText.write("w0", 1 << 20, 65536, 0x5a))));
        c.add(HostileCase.of("run --image-out on an image whose L1 points 10 GiB out", d, ANY, List.of(far, t),
                "run", "--image-out", "out.qcow2", "t.json")
                .withOutput(d.resolve("out.qcow2"), DiskUsage.allocated(ref) + (1 << 20)));
    }

    private static void paths(HostileCorpus c) throws IOException, InterruptedException {
        Path d = c.dir("symlink-escape");
        Path outside = qemuImage(d, "outside.qcow2", "16M");
        Path inner = Files.createDirectories(d.resolve("trace"));
        Files.createSymbolicLink(inner.resolve("b.qcow2"), Path.of("../outside.qcow2"));
        Path t = text(inner, "t.json", TraceText.base("b.qcow2", TraceText.race()));
        c.add(HostileCase.of("base image escaping the trace's directory through a symlink", d, REFUSED,
                List.of(outside, t), "run", "trace/t.json"));
        c.add(HostileCase.of("explore on a base image escaping through a symlink", d, REFUSED, List.of(outside, t),
                "explore", "--random", "1", "-o", "ce.json", "trace/t.json"));
        Path e = text(d, "e.json", TraceText.fresh(16 << 20, TraceText.race()));
        c.add(HostileCase.of("explore -o nodir/x.json", d, REFUSED, List.of(e), "explore", "--exhaustive", "-o",
                "nodir/x.json", "e.json"));
        Path s = text(d, "s.qemu-io", "write 0 64k\n");
        c.add(HostileCase.of("import-qemu-io -o nodir/t.json", d, REFUSED, List.of(s), "import-qemu-io", "s.qemu-io",
                "-o", "nodir/t.json"));
        c.add(HostileCase.of("run on a directory", d, REFUSED, List.of(), "run", "trace"));
        c.add(HostileCase.of("io on a directory", d, new Expect.SameAsQemu("qemu-io", 1), List.of(), "io", "-c",
                "read 0 512", "trace"));
    }

    private static void errors(HostileCorpus c) throws IOException {
        Path d = c.dir("errors");
        Path l = resource(d, "/samples/captured-qemu.log", "l.log");
        String log = Files.readString(l);
        Path big = text(d, "big.log", log.replaceFirst("(bdrv_co_pwritev_part bs \\S+ offset )(\\d+)", "$199999999999999999999999"));
        c.add(HostileCase.of("import-qemu-log with a number too big for 64 bits", d, REFUSED, List.of(big),
                "import-qemu-log", "big.log", "-o", "t1.json"));
        Path bad = d.resolve("bad.qemu-io");
        Files.write(bad, new byte[] {'w', 'r', 'i', 't', 'e', ' ', (byte) 0xff, '\n'});
        c.add(HostileCase.of("import-qemu-io on a script that is not UTF-8", d, REFUSED, List.of(bad),
                "import-qemu-io", "bad.qemu-io", "-o", "t2.json"));
        String longEntry = "x".repeat(100_000);
        Path t = text(d, "t.json", TraceText.trace("\"virtualSize\": 16777216, \"clusterSize\": 65536",
                TraceText.race(), List.of(longEntry)));
        c.add(HostileCase.of("run a trace with a 100,000-character schedule entry", d, REFUSED, List.of(t), "run",
                "t.json"));
        c.add(HostileCase.of("explore --random -5", d, REFUSED, List.of(t), "explore", "--random", "-5", "t.json"));
        c.add(HostileCase.of("run without a trace", d, REFUSED, List.of(), "run"));
        c.add(HostileCase.of("io with a nonsense command", d, new Expect.SameAsQemu("qemu-io", 1), List.of(),
                "io", "-c", "frobnicate", "nothing.qcow2"));
        Path nul = text(d, "nul.json", "{\"formatVersion\": 1, \u0000}");
        c.add(HostileCase.of("verify a scenario with a NUL byte", d, REFUSED, List.of(nul), "verify", "nul.json"));
        d = c.dir("random-5000");
        Path r = resource(d, "/scenarios/random-5000.json", "r.json");
        c.add(HostileCase.of("verify the shipped random-5000 scenario", d, ANY, List.of(r), "verify", "--max-states",
                "2000", "r.json").withTimeout(120));
    }

    private static void memory(HostileCorpus c) throws IOException {
        Path d = c.dir("two-gib-write");
        Path t = text(d, "t.json", TraceText.fresh(4L << 30,
                List.of(TraceText.write("w0", 0, (2L << 30) - 512, 0x5a))));
        c.add(HostileCase.of("run a trace with one 2 GiB - 512 write (the largest a trace allows)", d, new Expect.Succeeds(), List.of(t), "run",
                "t.json").withTimeout(120));
        d = c.dir("long-trace");
        int n = Integer.getInteger("hostile.longTrace", 1_000_000);
        t = d.resolve("t.json");
        try (var out = Files.newBufferedWriter(t)) {
            out.write("{\"formatVersion\": 1, \"metadata\": {\"title\": \"long\"}, \"image\": {\"virtualSize\": "
                    + (16 << 20) + ", \"clusterSize\": 65536},\n\"workload\": [\n");
            for (int i = 0; i < n; i++) {
                out.write((i == 0 ? "  " : ",\n  ") + TraceText.write("w" + i, (long) (i % 256) << 16, 4096, i & 0xff));
            }
            out.write("\n],\n\"fix\": {\"initial\": false, \"flips\": []}}\n");
        }
        // budgets in CPU seconds (HangWatch), about 4 times what the run took here, so that load cannot fail them
        c.add(HostileCase.of("run a " + n + "-command trace", d, new Expect.Succeeds(), List.of(t), "run", "t.json")
                .withTimeout(n > 100_000 ? 120 : 30));
    }

    static Path qemuImage(Path d, String name, String size) throws IOException, InterruptedException {
        if (Qemu.run(d, 30, "qemu-img", "create", "-q", "-f", "qcow2", name, size) != 0) {
            throw new IOException("qemu-img create " + name + " failed");
        }
        return d.resolve(name);
    }

    private static Path fifo(Path d, String name) throws IOException, InterruptedException {
        if (Qemu.run(d, 10, "mkfifo", name) != 0) {
            throw new IOException("mkfifo failed");
        }
        return d.resolve(name);
    }

    /** Points L1 entry 0 at 10 GiB, far past the end of the file. */
    private static void pointL1Far(Path img) throws IOException {
        try (FileChannel ch = FileChannel.open(img, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(8);
            ch.read(b, 40);
            long l1 = b.flip().getLong();
            ch.write(ByteBuffer.allocate(8).putLong(0, (10L << 30) | (1L << 63)), l1);
        }
    }
}
