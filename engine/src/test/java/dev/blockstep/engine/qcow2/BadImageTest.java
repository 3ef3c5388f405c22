package dev.blockstep.engine.qcow2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.blockstep.engine.event.EngineEventSink;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.format.ImageFormatException;
import dev.blockstep.engine.qemuio.EngineIo;
import dev.blockstep.engine.testing.Qemu;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed images: refused at open with one line naming the field (where qemu-io refuses them too), or,
 * for metadata qemu only trips over while working, failing the request with qemu's errno and one stderr line.
 */
class BadImageTest {

    @TempDir
    Path dir;

    /** A header mutation: a field, its offset and the big-endian bytes written there. */
    private record Mutation(String field, int at, byte[] value, boolean qemuRefusesToo) {
    }

    private static byte[] be32(long v) {
        return ByteBuffer.allocate(4).putInt((int) v).array();
    }

    private static byte[] be64(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }

    private byte[] fresh() throws Exception {
        Path p = dir.resolve("fresh.qcow2");
        Files.deleteIfExists(p);
        Qemu.img("create", "-q", "-f", "qcow2", p.toString(), "16M");
        return Files.readAllBytes(p);
    }

    @Test
    void malformedHeaderFieldsAreRefusedWithOneLineNamingTheField() throws Exception {
        List<Mutation> cases = List.of(
                new Mutation("magic", 0x00, be32(0x12345678), true),
                new Mutation("version", 0x04, be32(4), true),
                new Mutation("cluster_bits", 0x14, be32(30), true),
                new Mutation("cluster_bits", 0x14, be32(8), true),
                new Mutation("size", 0x18, be64(Long.MAX_VALUE), true),
                new Mutation("crypt_method", 0x20, be32(7), true),
                new Mutation("l1_size", 0x24, be32(0x7fffffff), true),
                new Mutation("l1_size", 0x24, be32(0), true),
                new Mutation("l1_table_offset", 0x28, be64(0x30008), true),
                new Mutation("refcount_table_offset", 0x30, be64(0x10100), true),
                new Mutation("refcount_table_offset", 0x30, be64(0), false),
                new Mutation("refcount_table_clusters", 0x38, be32(0x10000000), true),
                new Mutation("incompatible_features", 0x48, be64(1L << 40), true),
                new Mutation("refcount_order", 0x60, be32(7), true),
                new Mutation("header_length", 0x64, be32(50), true),
                new Mutation("backing_file_offset", 0x08, be64(0x1000000), true));
        List<String> problems = new ArrayList<>();
        for (Mutation m : cases) {
            byte[] img = fresh();
            System.arraycopy(m.value(), 0, img, m.at(), m.value().length);
            Path p = dir.resolve("bad-" + m.field() + ".qcow2");
            Files.write(p, img);
            String msg = openError(p);
            if (msg == null) {
                problems.add(m.field() + ": accepted");
                continue;
            }
            if (msg.contains("\n") || !msg.contains(m.field())) {
                problems.add(m.field() + ": message does not name the field on one line: " + msg);
            }
            if (m.qemuRefusesToo()) {
                var q = Qemu.io("-f", "qcow2", "-c", "read 0 512", p.toString());
                if (q.exitCode() == 0 || !q.stderr().contains("can't open")) {
                    problems.add(m.field() + ": qemu-io opens this image, but blockstep refuses it: " + msg);
                }
            }
        }
        assertEquals("", String.join("\n", problems));
    }

    @Test
    void truncatedAndEmptyFilesAreRefusedWithOneLine() throws Exception {
        byte[] img = fresh();
        for (int len : new int[] {0, 3, 100}) {
            Path p = dir.resolve("trunc-" + len + ".qcow2");
            Files.write(p, Arrays.copyOf(img, len));
            String msg = openError(p);
            assertTrue(msg != null && !msg.contains("\n"), "length " + len + ": " + msg);
            assertTrue(msg.contains("header") || msg.contains("truncated") || msg.contains("magic"), msg);
        }
    }

    /** A whole header whose tables lie past the end of the file opens, as in qemu, which reads them as zeros. */
    @Test
    void tablesPastTheEndOfTheFileOpenAsInQemu() throws Exception {
        byte[] img = fresh();
        for (int len : new int[] {0x10000, 0x30004}) {
            Path p = dir.resolve("short-" + len + ".qcow2");
            Files.write(p, Arrays.copyOf(img, len));
            assertEquals(0, Qemu.io("-f", "qcow2", "-c", "read 0 512", p.toString()).exitCode(), "qemu-io opens it");
            assertEquals(null, openError(p), "length " + len);
        }
    }

    @Test
    void openingNeverChangesTheFileItWasLoadedFrom() throws Exception {
        byte[] img = fresh();
        Path p = dir.resolve("keep.qcow2");
        Files.write(p, img);
        HostFile f = HostFile.load(p);
        EngineIo.run(f, List.of("write -P 0 0 64k"));
        assertTrue(Arrays.equals(img, Files.readAllBytes(p)));
    }

    @Test
    void unalignedL2OffsetFailsTheWriteWithEioAndOneStderrLineLikeQemu() throws Exception {
        assertRuntimeCorruption(0x30000, be64(0x8000000000040200L), "write -P 1 0 4k");
    }

    @Test
    void unalignedDataOffsetFailsTheWriteWithEioLikeQemu() throws Exception {
        Path base = dir.resolve("base.qcow2");
        Files.write(base, fresh());
        Qemu.io("-f", "qcow2", "-c", "write -P 1 0 64k", base.toString());
        byte[] img = Files.readAllBytes(base);
        // L2 table at 0x40000, entry 0 -> data cluster at an unaligned offset
        System.arraycopy(be64(0x8000000000050200L), 0, img, 0x40000, 8);
        assertSameFailure(img, "write -P 2 0 4k");
    }

    @Test
    void unalignedRefcountBlockOffsetFailsAllocationWithEioLikeQemu() throws Exception {
        assertRuntimeCorruption(0x10000, be64(0x20200), "write -P 1 0 4k");
    }

    private void assertRuntimeCorruption(int at, byte[] value, String command) throws Exception {
        byte[] img = fresh();
        System.arraycopy(value, 0, img, at, value.length);
        assertSameFailure(img, command);
    }

    /** qemu-io and the engine both fail the command with the same result line, and print one stderr line. */
    private void assertSameFailure(byte[] img, String command) throws Exception {
        Path q = dir.resolve("rt-qemu.qcow2");
        Files.write(q, img);
        HostFile start = HostFile.load(q);
        var r = Qemu.io("-f", "qcow2", "-c", command, "-c", command, q.toString());
        // after a fatal corruption qemu detaches the driver: the second request fails with ENOMEDIUM
        EngineIo.Run run = EngineIo.run(start, List.of(command, command));
        assertTrue(run.failed());
        assertEquals(r.stdout().strip(), String.join("\n", run.out()));
        assertEquals(1, run.err().size(), "stderr: " + run.err());
        assertTrue(run.err().get(0).startsWith("qcow2: "), run.err().get(0));
        assertEquals(r.stderr().strip(), run.err().get(0));
        Path e = dir.resolve("rt-engine.qcow2");
        run.file().save(e);
        assertTrue(Arrays.equals(Files.readAllBytes(q), Files.readAllBytes(e)), "the corrupt bit must be set as qemu sets it");
    }

    private static String openError(Path p) {
        try {
            HostFile f = HostFile.load(p);
            Qcow2Driver.open(f, p.getFileName().toString(), EngineEventSink.NONE);
            return null;
        } catch (ImageFormatException e) {
            return e.getMessage();
        } catch (Exception e) {
            fail("opening " + p + " threw " + e);
            return null;
        }
    }
}
