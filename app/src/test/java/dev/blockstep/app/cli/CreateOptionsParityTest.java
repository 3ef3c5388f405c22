package dev.blockstep.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.blockstep.engine.testing.Qemu;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code blockstep create -o ...} against {@code qemu-img create -f qcow2 -o ...}: the same stdout, stderr,
 * exit code and bytes for refcount_bits, compat, lazy_refcounts, extended_l2, preallocation=off|metadata|falloc|full,
 * cluster sizes and the file: prefix, alone, in seeded combinations, and with the values qemu refuses.
 */
class CreateOptionsParityTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "-o {0} {1}")
    @CsvSource(delimiter = ';', value = {
        "refcount_bits=1;3M", "refcount_bits=8;3M", "refcount_bits=64;3M", "lazy_refcounts=on;3M",
        "compat=0.10;3M", "compat=v2;1G", "compat=v3;3M", "compat=1.1,lazy_refcounts=yes;3M",
        "extended_l2=on;3M", "extended_l2=on,cluster_size=16k;100M", "extended_l2=on,cluster_size=4k;3M",
        "preallocation=metadata;1536M", "preallocation=off;3M", "preallocation=metadata,cluster_size=512;20M",
        "preallocation=metadata,refcount_bits=1,cluster_size=512;40M", "preallocation=metadata,compat=0.10;700M",
        "compat=0.10,refcount_bits=8;3M", "compat=0.10,lazy_refcounts=on;3M", "compat=0.10,extended_l2=on;3M",
        "compat=0.11;3M", "lazy_refcounts=maybe;3M", "refcount_bits=3;3M", "refcount_bits=128;3M",
        "refcount_bits=x;3M", "preallocation=bogus;3M", "compat=0.10,cluster_size=4k;100G",
        "refcount_bits=-1;3M", "refcount_bits=0;3M", "refcount_bits=0x10;3M", "refcount_bits=010;3M",
        "refcount_bits=1.5;3M",
    })
    void createOptionsWriteWhatQemuImgWrites(String options, String size) throws Exception {
        assertSameAsQemu(List.of("-o", options), "img", size);
    }

    /**
     * preallocation=falloc and full: qemu moves the refcount table behind the old end of the file, sized exactly for
     * the data (several table clusters with 512-byte clusters and wide refcounts), and puts the first L2 table where
     * the old table was. Sizes 0 and one byte past a cluster are the edges of the data area. With extended L2
     * entries, metadata preallocation ends the file at the subcluster of the last guest byte.
     */
    @ParameterizedTest(name = "-o {0} {1}")
    @CsvSource(delimiter = ';', value = {
        "preallocation=falloc;3M", "preallocation=full;3M", "preallocation=falloc;0", "preallocation=full;65537",
        "preallocation=falloc,cluster_size=512;200k", "preallocation=full,cluster_size=512,refcount_bits=64;9M",
        "preallocation=falloc,cluster_size=512,refcount_bits=1;5M", "preallocation=falloc,cluster_size=1k;4M",
        "preallocation=falloc,cluster_size=2M,refcount_bits=64;5M", "preallocation=falloc,compat=0.10;1M",
        "preallocation=full,lazy_refcounts=on,cluster_size=4k;2M", "preallocation=falloc,extended_l2=on;3M",
        "preallocation=full,extended_l2=on,cluster_size=16k,refcount_bits=64;9M",
        "preallocation=metadata,extended_l2=on;1000", "preallocation=metadata,extended_l2=on,cluster_size=2M;129k",
        "preallocation=metadata,extended_l2=on,cluster_size=16k;40M",
    })
    void dataPreallocationWritesWhatQemuImgWrites(String options, String size) throws Exception {
        assertSameAsQemu(List.of("-o", options), "img", size);
    }

    /**
     * Whole command lines: size, compression_type and extent_size_hint in -o, backing_file and backing_fmt in -o (-b
     * and -F win), a backing file without a format (qemu probes it and names the format in a hint without a newline),
     * a format without a file, raw images, {@code -o help} and {@code -o ?} (with and without a file name, in a list of
     * their own or not), option lists qemu-img refuses, and an escaped comma. BASE and RAW are images beside IMG.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "-f qcow2 -o size=1M IMG", "-f qcow2 -o size=1M IMG 2M", "-f qcow2 -o size=x IMG",
        "-f qcow2 -o cluster_size=x IMG 1M", "-f qcow2 -o compression_type=zlib IMG 1M",
        "-f qcow2 -o compression_type=bogus IMG 1M", "-f qcow2 -o compat=0.10,compression_type=zstd IMG 1M",
        "-f qcow2 -o extent_size_hint=1M,cluster_size=4k IMG 1M", "-f qcow2 -o backing_fmt=qcow2 IMG 1M",
        "-f qcow2 -F qcow2 IMG", "-f qcow2 -b BASE IMG", "-f qcow2 -b RAW IMG 2M", "-f qcow2 -b nope.qcow2 IMG",
        "-f qcow2 -u -b nope.qcow2 IMG 1M", "-f qcow2 -o preallocation=falloc,extended_l2=on -b BASE -F qcow2 IMG",
        "-f qcow2 -o preallocation=full -b BASE -F qcow2 IMG",
        "-f qcow2 -o help", "-f qcow2 -o ? IMG 1M", "-o help", "-f raw -o help IMG", "-f raw -o help,size=1M",
        "-f qcow2 -o cluster_size=4k,help IMG 1M", "-f qcow2 -o help,cluster_size=4k IMG 1M",
        "-f qcow2 -o cluster_size=4k -o ? IMG 1M", "-f qcow2 -o backing_file=BASE, -o help IMG 1M",
        "-f qcow2 -o backing_file=BASE -o ,help IMG 1M", "-f qcow2 -o backing_file=BASE -o ,, -o help IMG 1M",
        "-f foo -o help", "-f bochs -o help", "-f dmg -o help IMG 1M", "-f qcow2", "-f qcow2 -o cluster_size=4k,help=1 IMG 1M",
        "-f qcow2 -u -o backing_file=RAW,,x -F raw IMG 1M", "-f qcow2 -o backing_file=BASE,backing_fmt=qcow2 IMG",
        "-f qcow2 -o compat=0.10,backing_file=RAW,backing_fmt=raw IMG",
        "-f qcow2 -b BASE -F qcow2 -o backing_file=nope,backing_fmt=raw IMG", "-f raw IMG 1000",
        "-f raw -o size=2M IMG", "-f raw IMG", "-f raw -o preallocation=full IMG 1M",
        "-f raw -o preallocation=metadata IMG 1M", "-f raw -o preallocation=bogus IMG 1M",
        "-f raw -o extent_size_hint=1M,preallocation=falloc IMG 1M", "-f raw -o cluster_size=4k IMG 1M",
        "-f raw -b BASE -F qcow2 IMG 1M", "IMG 1M", "-o size=2M IMG", "-o cluster_size=4k IMG 1M",
        "-b BASE -F qcow2 IMG 1M", "-o preallocation=falloc IMG 1M", "-q IMG 64k", "-f foo -f qcow2 -o cluster_size=4k -F raw -F qcow2 -b BASE IMG",
        "-f qcow2 -o compression_type=zlib,compat=0.10,extent_size_hint=0,preallocation=metadata IMG 1M",
        "-f qcow2 -o preallocation=metadata,size=1M,extent_size_hint=0,compression_type=zlib,compat=1.1,"
            + "lazy_refcounts=on,refcount_bits=8,extended_l2=off,cluster_size=4k IMG",
    })
    void commandLinesWithMoreOptionsWriteWhatQemuImgWrites(String line) throws Exception {
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", dir.resolve("base.qcow2").toString(), "3M").exitCode());
        assertEquals(0, Qemu.img("create", "-q", "-f", "raw", dir.resolve("base.raw").toString(), "1M").exitCode());
        Path theirs = dir.resolve("theirs.img");
        Path ours = dir.resolve("ours.img");
        List<String> q = new ArrayList<>(List.of("create"));
        List<String> o = new ArrayList<>(List.of("create"));
        for (String w : line.split(" ")) {
            String v = w.replace("BASE", "base.qcow2").replace("RAW", "base.raw");
            q.add(w.equals("IMG") ? theirs.toString() : v);
            o.add(w.equals("IMG") ? ours.toString() : v);
        }
        Qemu.Result qemu = Qemu.img(q.toArray(new String[0]));
        CreateAndIoCommandTest.Run run = CreateAndIoCommandTest.run(null, o.toArray(new String[0]));
        assertEquals(qemu.stdout(), run.stdout().replace(ours.toString(), theirs.toString()), "stdout of " + line);
        assertEquals(qemu.stderr(), run.stderr().replace(ours.toString(), theirs.toString()), "stderr of " + line);
        assertEquals(qemu.exitCode(), run.exitCode(), "exit code of " + line);
        assertEquals(Files.exists(theirs), Files.exists(ours), "whether a file was written, " + line);
        if (Files.exists(theirs)) {
            assertSameBytes(theirs, ours, line);
        }
    }

    @ParameterizedTest(name = "file: prefix, {0}")
    @CsvSource({"1M", "600M"})
    void theFileProtocolPrefixNamesTheSameFile(String size) throws Exception {
        assertSameAsQemu(List.of(), "file:", size);
    }

    static IntStream seeds() {
        return IntStream.rangeClosed(1, 40);
    }

    /** Seeded combinations of every option, valid and not. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void seededOptionCombinationsWriteWhatQemuImgWrites(int seed) throws Exception {
        Random r = new Random(seed);
        List<String> opts = new ArrayList<>();
        String[][] choices = {
            {"cluster_size=512", "cluster_size=4k", "cluster_size=16k", "cluster_size=64k", "cluster_size=2M"},
            {"refcount_bits=1", "refcount_bits=2", "refcount_bits=4", "refcount_bits=8", "refcount_bits=16",
                "refcount_bits=32", "refcount_bits=64"},
            {"compat=0.10", "compat=1.1", "compat=v2", "compat=v3"},
            {"lazy_refcounts=on", "lazy_refcounts=off"},
            {"extended_l2=on", "extended_l2=off"},
            {"preallocation=off", "preallocation=metadata", "preallocation=falloc", "preallocation=full"},
        };
        for (String[] c : choices) {
            if (r.nextInt(3) > 0) {
                opts.add(c[r.nextInt(c.length)]);
            }
        }
        java.util.Collections.shuffle(opts, r);
        String size = (1 + r.nextInt(64)) + (r.nextBoolean() ? "M" : "k");
        List<String> args = opts.isEmpty() ? List.of() : List.of("-o", String.join(",", opts));
        assertSameAsQemu(args, "seed" + seed, size);
    }

    private void assertSameAsQemu(List<String> options, String name, String size) throws Exception {
        boolean prefix = name.equals("file:");
        Path theirs = dir.resolve(prefix ? "theirs-prefixed.qcow2" : name + "-theirs.qcow2");
        Path ours = dir.resolve(prefix ? "ours-prefixed.qcow2" : name + "-ours.qcow2");
        String theirName = (prefix ? "file:" : "") + theirs;
        String ourName = (prefix ? "file:" : "") + ours;
        List<String> q = new ArrayList<>(List.of("create", "-f", "qcow2"));
        q.addAll(options);
        q.add(theirName);
        q.add(size);
        Qemu.Result qemu = Qemu.img(q.toArray(new String[0]));
        List<String> o = new ArrayList<>(List.of("create", "-f", "qcow2"));
        o.addAll(options);
        o.add(ourName);
        o.add(size);
        CreateAndIoCommandTest.Run run = CreateAndIoCommandTest.run(null, o.toArray(new String[0]));
        String what = String.join(" ", options) + " " + size;
        assertEquals(qemu.stdout(), run.stdout().replace(ourName, theirName), "stdout of " + what);
        assertEquals(qemu.stderr(), run.stderr().replace(ourName, theirName), "stderr of " + what);
        assertEquals(qemu.exitCode(), run.exitCode(), "exit code of " + what);
        assertEquals(Files.exists(theirs), Files.exists(ours), "whether a file was written, " + what);
        if (Files.exists(theirs)) {
            assertSameBytes(theirs, ours, what);
        }
    }

    /**
     * Compares the files a mebibyte at a time: the preallocated images are over a gigabyte long (mostly holes), and
     * reading each into one array was most of this class's time.
     */
    static void assertSameBytes(Path theirs, Path ours, String what) throws java.io.IOException {
        assertEquals(Files.size(theirs), Files.size(ours), "length of " + what);
        try (var a = java.nio.channels.FileChannel.open(theirs); var b = java.nio.channels.FileChannel.open(ours)) {
            java.nio.ByteBuffer x = java.nio.ByteBuffer.allocate(1 << 20);
            java.nio.ByteBuffer y = java.nio.ByteBuffer.allocate(1 << 20);
            for (long at = 0; at < Files.size(theirs); at += x.capacity()) {
                x.clear();
                y.clear();
                while (x.hasRemaining() && a.read(x, at + x.position()) > 0) {
                    // reads until the buffer is full or the file ends
                }
                while (y.hasRemaining() && b.read(y, at + y.position()) > 0) {
                    // as above
                }
                if (!x.flip().equals(y.flip())) {
                    assertArrayEquals(java.util.Arrays.copyOf(x.array(), x.limit()),
                            java.util.Arrays.copyOf(y.array(), y.limit()), "bytes of " + what + " from " + at);
                }
            }
        }
    }
}
