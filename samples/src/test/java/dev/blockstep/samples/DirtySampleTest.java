package dev.blockstep.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.check.ImageBytes;
import dev.blockstep.engine.check.ImageCheck;
import dev.blockstep.engine.check.OpenRepair;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.session.EngineSession;
import dev.blockstep.engine.testing.Qemu;
import dev.blockstep.engine.trace.TraceImages;
import dev.blockstep.engine.trace.TraceRun;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * dirty-lazy-refcounts: the base image is what real qemu-io leaves, real qemu-img check reports on it what the
 * description says, and what the engine's open repairs and the run then writes are, byte for byte, what real qemu
 * does with copies of the same file.
 */
class DirtySampleTest {

    static final String NAME = "dirty-lazy-refcounts";

    static final List<String> FILE_CHECK = List.of("Leaked cluster 5 refcount=1 reference=0",
            "Leaked cluster 6 refcount=1 reference=0", "ERROR cluster 9 refcount=0 reference=1",
            "ERROR cluster 10 refcount=0 reference=1",
            "ERROR OFLAG_COPIED data cluster: l2_entry=8000000000090000 refcount=0",
            "ERROR OFLAG_COPIED data cluster: l2_entry=80000000000a0000 refcount=0");

    /** The shipped base image, copied to {@code dir}. */
    static Path shipped(Path dir) throws Exception {
        Samples.copyBaseImages(NAME, dir);
        return dir.resolve(SampleWorkloads.DIRTY_IMAGE);
    }

    @Test
    void theShippedImageIsWhatRealQemuIoLeavesWhenKilled(@TempDir Path tmp) throws Exception {
        Path made = tmp.resolve("made.qcow2");
        Process p = new ProcessBuilder("sh", "captures/tools/make-dirty-sample.sh", made.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        assertArrayEquals(Files.readAllBytes(made), Files.readAllBytes(shipped(tmp)));
        assertEquals(SampleWorkloads.DIRTY_SHA256, TraceImages.sha256(HostFile.load(made)));
    }

    @Test
    void checkingTheFileReportsTheLagAndRepairsNothingAsRealQemuImgCheckDoes(@TempDir Path tmp) throws Exception {
        Path image = shipped(tmp);
        byte[] before = Files.readAllBytes(image);
        Qemu.Result real = Qemu.img("check", image.toString());
        assertEquals(2, real.exitCode(), real.stdout() + real.stderr());
        assertEquals(FILE_CHECK, SampleRuns.lines(real.stderr()));
        assertTrue(real.stdout().contains("4 errors were found on the image."), real.stdout());
        assertTrue(real.stdout().contains("2 leaked clusters were found on the image."), real.stdout());
        List<String> ours = new ArrayList<>();
        assertEquals(2, ImageCheck.check(ImageBytes.of(HostFile.load(image)), NAME, ours::add).exitCode());
        assertEquals(FILE_CHECK, ours);
        assertArrayEquals(before, Files.readAllBytes(image));
        String d = SampleRuns.description(NAME);
        for (String line : FILE_CHECK.subList(0, 4)) {
            assertTrue(d.contains(line.replace("ERROR ", "")), d + " should name " + line);
        }
        assertTrue(d.contains("finds 4 errors and 2 leaked clusters, and exits 2"), d);
    }

    @Test
    void theOpenRepairsTheCopyAsRealQemuIoAndCountsAsQemuImgCheckRepairAll(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("trace"));
        Path image = shipped(dir);
        TraceImages.Start start = TraceImages.start(Samples.open(NAME).image(), dir, NAME + ".json");

        Path byQemuIo = Files.copy(image, tmp.resolve("qemu-io.qcow2"));
        Qemu.Result io = Qemu.io("-c", "close", byQemuIo.toString());
        assertEquals(0, io.exitCode(), io.stderr());
        assertArrayEquals(Files.readAllBytes(byQemuIo), bytes(start.image()));
        assertEquals(SampleWorkloads.DIRTY_SHA256, TraceImages.sha256(HostFile.load(image)), "the file is untouched");

        Path byCheck = Files.copy(image, tmp.resolve("check.qcow2"));
        Qemu.Result check = Qemu.img("check", "-r", "all", byCheck.toString());
        OpenRepair r = start.repair();
        assertNotNull(r, "the open repaired nothing");
        assertTrue(check.stdout().contains("The following inconsistencies were found and repaired:\n\n    "
                + r.leaksFixed() + " leaked clusters\n    " + r.corruptionsFixed() + " corruptions\n"), check.stdout());
        assertEquals(SampleRuns.lines(io.stderr()), r.lines());
        String d = SampleRuns.description(NAME);
        assertTrue(d.contains(r.leaksFixed() + " leaked clusters freed and " + r.corruptionsFixed()
                + " refcounts fixed"), d);
        long table = ByteBuffer.wrap(bytes(start.image()), 48, 8).getLong();
        assertTrue(d.contains(String.format("its table at 0x%x", table)), d);
        assertEquals(0, ByteBuffer.wrap(bytes(start.image()), 0x48, 8).getLong() & 1, "dirty bit cleared");
    }

    @Test
    void theRunEndsOnTheBytesRealQemuIoWritesOnACopy(@TempDir Path tmp) throws Exception {
        EngineSession s = SampleRuns.replay(NAME, TraceRun.Options.DEFAULT);
        Path real = shipped(tmp);
        Qemu.Result io = Qemu.io("-c", "aio_write -P 0x33 0 64k", "-c", "aio_flush", real.toString());
        assertEquals(0, io.exitCode(), io.stderr());
        assertArrayEquals(Files.readAllBytes(real), bytes(s.engine().file()));
        assertNotNull(s.openRepair(), "the session says the open repaired the image");

        Qemu.Result map = Qemu.img("map", "--output=json", real.toString());
        assertTrue(map.stdout().contains("{ \"start\": 0, \"length\": 65536, \"depth\": 0, \"present\": true,"
                + " \"zero\": false, \"data\": true, \"offset\": 65536}"), map.stdout());
        assertTrue(SampleRuns.description(NAME).contains("allocates host cluster 1 (0x10000)"));
    }

    private static byte[] bytes(HostFile f) {
        return f.read(0, (int) f.length());
    }
}
