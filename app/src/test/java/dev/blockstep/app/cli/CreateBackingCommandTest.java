package dev.blockstep.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.testing.Qemu;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code blockstep create -b FILE -F FMT} against {@code qemu-img create -f qcow2 -b FILE -F FMT} (qemu 7.2). */
class CreateBackingCommandTest {

    @TempDir
    Path dir;

    @Test
    void imagesCreatedWithABackingFileAreByteIdenticalToQemuImgs() throws Exception {
        Files.createDirectories(dir.resolve("ours/sub"));
        Files.createDirectories(dir.resolve("theirs/sub"));
        for (String side : List.of("ours", "theirs")) {
            assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", dir.resolve(side + "/base.qcow2").toString(), "24M")
                    .exitCode());
            assertEquals(0, Qemu.img("create", "-q", "-f", "raw", dir.resolve(side + "/base.raw").toString(), "3000000")
                    .exitCode());
        }
        List<String> failures = new ArrayList<>();
        int n = 0;
        for (String cluster : List.of("512", "4k", "64k", "2M", "0.10,512", "0.10,4k", "0.10,64k", "0.10,2M")) {
            for (String[] link : new String[][] {{"base.qcow2", "qcow2"}, {"base.raw", "raw"},
                    {"../base.qcow2", "qcow2", "sub/"}, {"a-rather-long-name-" + "x".repeat(200), "raw", ""}}) {
                for (String size : new String[] {null, "40M"}) {
                    String name = (link.length > 2 ? link[2] : "") + "top" + n++ + ".qcow2";
                    if (link[0].startsWith("a-rather")) {
                        // a backing file with a long name, beside the top image
                        for (String side : List.of("ours", "theirs")) {
                            Files.copy(dir.resolve(side + "/base.raw"), dir.resolve(side + "/" + link[0]),
                                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                    // "0.10,..." is a version 2 image: the backing extension and name right after its 72-byte header
                    String options = cluster.startsWith("0.10,") ? "compat=0.10,cluster_size=" + cluster.substring(5)
                            : "cluster_size=" + cluster;
                    List<String> args = new ArrayList<>(List.of("-o", options, "-b", link[0], "-F", link[1]));
                    Path ours = dir.resolve("ours/" + name);
                    Path theirs = dir.resolve("theirs/" + name);
                    List<String> mine = new ArrayList<>(List.of("create", "-f", "qcow2"));
                    mine.addAll(args);
                    mine.add(ours.toString());
                    List<String> qemu = new ArrayList<>(List.of("create", "-f", "qcow2"));
                    qemu.addAll(args);
                    qemu.add(theirs.toString());
                    if (size != null) {
                        mine.add(size);
                        qemu.add(size);
                    }
                    var r = CreateAndIoCommandTest.run(null, mine.toArray(String[]::new));
                    var q = Qemu.img(qemu.toArray(String[]::new));
                    assertEquals(0, q.exitCode(), q.stderr());
                    String what = String.join(" ", args) + " size " + size;
                    if (r.exitCode() != 0) {
                        failures.add(what + ": " + r.stderr());
                        continue;
                    }
                    if (!q.stdout().replace(theirs.toString(), ours.toString()).equals(r.stdout())) {
                        failures.add(what + ": printed " + r.stdout() + " qemu printed " + q.stdout());
                    }
                    if (!Arrays.equals(Files.readAllBytes(theirs), Files.readAllBytes(ours))) {
                        failures.add(what + ": bytes differ");
                    }
                }
            }
        }
        assertEquals("", String.join("\n", failures));
    }

    @Test
    void refusalsMatchQemuImgsAndLeaveNoFile() throws Exception {
        assertEquals(0, Qemu.img("create", "-q", "-f", "raw", dir.resolve("plain.raw").toString(), "1M").exitCode());
        Files.createDirectories(dir.resolve("sub"));
        String[][] cases = {
                {"-b", "nope.qcow2", "-F", "qcow2", "sub/t.qcow2"},
                {"-b", "plain.raw", "-F", "qcow2", "t.qcow2"},
                {"-b", "plain.raw", "t.qcow2", "1M"},
                {"-F", "qcow2", "t.qcow2", "1M"}};
        for (String[] c : cases) {
            List<String> mine = new ArrayList<>(List.of("create", "-f", "qcow2"));
            List<String> qemu = new ArrayList<>(List.of("create", "-f", "qcow2"));
            for (String a : c) {
                String v = a.endsWith("t.qcow2") ? dir.resolve(a).toString() : a;
                if (a.equals("plain.raw")) {
                    v = dir.resolve(a).toString();
                }
                mine.add(v);
                qemu.add(v);
            }
            var r = CreateAndIoCommandTest.run(null, mine.toArray(String[]::new));
            var q = Qemu.img(qemu.toArray(String[]::new));
            assertEquals(1, q.exitCode());
            assertEquals(1, r.exitCode(), String.join(" ", c));
            String firstLine = q.stderr().lines().findFirst().orElseThrow();
            assertEquals(firstLine, r.stderr().lines().findFirst().orElseThrow(), String.join(" ", c));
            assertFalse(Files.exists(dir.resolve("sub/t.qcow2")));
            assertTrue(r.stderr().lines().count() <= 2, r.stderr());
        }
    }
}
