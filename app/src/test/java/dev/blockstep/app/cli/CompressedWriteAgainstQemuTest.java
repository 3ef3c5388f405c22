package dev.blockstep.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.blockstep.engine.testing.Qemu;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code write -c} against real qemu-io 7.2, and what later commands do to compressed clusters (reads, partial
 * overwrites that copy on write from them, zero writes, discards, a second compressed write).
 */
class CompressedWriteAgainstQemuTest {
    @TempDir
    Path dir;

    /**
     * Compressed writes of one cluster each (and of the zero-padded last cluster of a disk whose size is not a
     * multiple of it): qemu-io's output and the image bytes are identical. Byte identity holds because qemu-io
     * writes runs of one byte, which java.util.zip deflates as zlib does with qemu's window (docs/qemu-io.md).
     */
    @Test
    void singleClusterCompressedWritesGiveQemuIosBytes() throws Exception {
        List<String> failures = new ArrayList<>();
        for (String[] image : new String[][] {{"65536", "4M"}, {"4096", "1M"}, {"65536", "1000k"},
                {"512", "300k"}, {"2097152", "5M"}}) {
            long cs = Long.parseLong(image[0]);
            Path base = create("c" + image[0], image[0], image[1]);
            List<String> lines = List.of("write -c -P 0x11 0 " + cs, "write -c " + 2 * cs + " " + cs,
                    "write -c -P 0 " + 3 * cs + " " + cs, "write -c -P 5 " + 4 * cs + " " + cs,
                    "write -c -P 6 0 " + cs, "read -P 0x11 0 " + cs, "read -P 0xcd " + 2 * cs + " " + cs,
                    "write -P 7 " + (2 * cs + 512) + " 512", "read -P 0xcd " + 2 * cs + " 512",
                    "read -P 7 " + (2 * cs + 512) + " 512", "write -z " + 3 * cs + " " + cs, "discard " + 4 * cs
                    + " " + cs, "write -c -P 9 " + 4 * cs + " " + cs, "read -P 9 " + 4 * cs + " " + cs, "map");
            List<String> all = new ArrayList<>(lines);
            if (image[1].equals("1000k")) {
                // the disk ends 40 KiB into its last cluster: that write is padded with zeros before compression
                all.add("write -c -P 0x33 960k 40k");
                all.add("read -P 0x33 960k 40k");
            }
            IoParity.QemuRun q = IoParity.qemu(base, dir.resolve("q.qcow2"), all, false);
            IoParity.compare(q, base, dir.resolve("b.qcow2"), all, false, List.of(), "cluster size " + cs,
                    failures);
        }
        assertEquals("", String.join("\n", failures));
    }

    /**
     * Compressed writes of several clusters: qemu compresses them in parallel thread-pool tasks, so which host
     * bytes each lands in changes from run to run (six runs of one script gave six different images). What must
     * agree is qemu-io's output, the guest content (qemu-img compare), qemu-img check's report on each image and
     * qemu-img map's.
     */
    @Test
    void multiClusterCompressedWritesAgreeWithQemuOnContentCheckAndMap() throws Exception {
        Path base = create("multi", "65536", "6M");
        List<String> lines = List.of("write -c -P 3 0 1M", "write -c 1M 2M", "write -c -P 0 4M 512k",
                "write -c -P 4 0 64k", "write -P 8 100k 4k", "write -z -u 192k 64k", "discard 256k 128k",
                "write -c -P 5 256k 128k", "read -P 3 64k 36k", "read -P 8 100k 4k", "read -P 3 104k 24k",
                "read -P 5 256k 128k", "read -P 0xcd 1M 2M", "write -c -P 1 5M 1M", "map");
        Path q = dir.resolve("q.qcow2");
        Path b = dir.resolve("b.qcow2");
        IoParity.QemuRun qemu = IoParity.qemu(base, q, lines, false);
        List<String> failures = new ArrayList<>();
        // the stdout, stderr and exit status of the run, without the image bytes (which differ in qemu's own runs)
        IoParity.compare(qemu, base, b, lines, false, List.of(), "multi-cluster", failures);
        failures.removeIf(f -> f.endsWith("the images differ"));
        Qemu.Result cmp = Qemu.img("compare", "-f", "qcow2", "-F", "qcow2", q.toString(), b.toString());
        if (cmp.exitCode() != 0) {
            failures.add("qemu-img compare: " + cmp.stdout() + cmp.stderr());
        }
        for (List<String> cmd : List.of(List.of("check"), List.of("check", "--output=json"),
                List.of("map", "--output=json"), List.of("map"))) {
            Qemu.Result onQemu = Qemu.run("qemu-img", with(cmd, q), "");
            Qemu.Result onOurs = Qemu.run("qemu-img", with(cmd, b), "");
            if (!onQemu.stdout().replace(q.toString(), "IMG").equals(onOurs.stdout().replace(b.toString(), "IMG"))
                    || onQemu.exitCode() != onOurs.exitCode()) {
                failures.add("qemu-img " + cmd + " differs:\n" + onQemu.stdout() + "\n---\n" + onOurs.stdout());
            }
        }
        assertEquals("", String.join("\n", failures));
    }

    private static List<String> with(List<String> cmd, Path image) {
        List<String> a = new ArrayList<>(cmd);
        a.add(image.toString());
        return a;
    }

    private Path create(String name, String clusterSize, String size) {
        Path img = dir.resolve(name + ".qcow2");
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", "-o", "cluster_size=" + clusterSize, img.toString(),
                size).exitCode());
        return img;
    }
}
