package dev.blockstep.engine.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image files are saved sparse, and opened only as regular files inside the trace's directory. */
class ImageFilesTest {

    @TempDir
    Path dir;

    @Test
    void saveWritesOnlyPagesWithDataAndLeavesHolesElsewhere() throws Exception {
        HostFile f = new HostFile();
        f.write(0, new byte[] {1, 2, 3});
        f.fill(10L << 30, 65536, (byte) 0x5a); // a table pointing 10 GiB out
        f.writeZeroes((20L << 30) - 512, 512);
        Path out = dir.resolve("out.qcow2");
        f.save(out);
        assertEquals(20L << 30, Files.size(out));
        long allocated = allocated(out);
        assertTrue(allocated <= 1 << 20, "a dense save would take 20 GiB; this one takes " + allocated + " bytes");
        // read back only the ranges with data: loading all 20 GiB of holes would take minutes
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(out.toFile(), "r")) {
            byte[] head = new byte[4096];
            raf.readFully(head);
            assertArrayEquals(f.read(0, 4096), head);
            byte[] far = new byte[65536];
            raf.seek(10L << 30);
            raf.readFully(far);
            assertArrayEquals(f.read(10L << 30, 65536), far);
        }
    }

    @Test
    void saveOverAnExistingLongerFileLeavesNoStaleBytes() throws IOException {
        Path out = Files.write(dir.resolve("old"), new byte[1 << 16]);
        Files.write(out, "stale data".getBytes(StandardCharsets.UTF_8));
        HostFile f = new HostFile();
        f.writeZeroes(0, 8192);
        f.save(out);
        assertArrayEquals(new byte[8192], Files.readAllBytes(out));
    }

    @Test
    void fifosAndDevicesAreRefusedBeforeTheyAreOpened() throws Exception {
        Path fifo = dir.resolve("f");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        ImageFileException e = assertThrows(ImageFileException.class, () -> ImageFiles.load(fifo, "f"));
        assertEquals("'file' driver requires 'f' to be a regular file", e.getMessage());
        assertThrows(ImageFileException.class, () -> ImageFiles.load(Path.of("/dev/zero"), "/dev/zero"));
        assertThrows(IOException.class, () -> new HostFile().save(Path.of("/dev/null")));
    }

    @Test
    void aBaseImageMayNotLeaveTheTraceDirectoryThroughASymlink() throws Exception {
        Path outside = Files.write(dir.resolve("outside.qcow2"), new byte[512]);
        Path traces = Files.createDirectories(dir.resolve("traces"));
        Files.createSymbolicLink(traces.resolve("b.qcow2"), Path.of("../outside.qcow2"));
        Files.write(traces.resolve("in.qcow2"), new byte[] {7});
        Files.createSymbolicLink(traces.resolve("alias.qcow2"), Path.of("in.qcow2"));
        ImageFileException e = assertThrows(ImageFileException.class, () -> ImageFiles.loadBase(traces, "b.qcow2"));
        assertTrue(e.getMessage().contains("outside the trace's directory"), e.getMessage());
        assertEquals(1, ImageFiles.loadBase(traces, "alias.qcow2").length(), "a link inside the directory is fine");
        assertTrue(Files.exists(outside));
    }

    private static long allocated(Path p) throws Exception {
        Process du = new ProcessBuilder("du", "-B1", p.toString()).start();
        String out = new String(du.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(du.waitFor(30, TimeUnit.SECONDS));
        return Long.parseLong(out.split("\\s+")[0]);
    }
}
