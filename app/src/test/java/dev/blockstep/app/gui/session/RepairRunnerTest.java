package dev.blockstep.app.gui.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.check.ReferenceCounts;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.testing.Qemu;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepairRunnerTest {

    @TempDir
    Path dir;

    /** The race's corruption (a referenced cluster with refcount 0): the repair rebuilds, as qemu-img does. */
    @Test
    void repairingTheRacesCorruptionRebuildsInACopyAndMatchesQemuImg() throws Exception {
        Path img = dir.resolve("race.qcow2");
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", img.toString(), "16M").exitCode());
        assertEquals(0, Qemu.io("-f", "qcow2", "-c", "write -P 1 0 64k", img.toString()).exitCode());
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
            f.seek(0x20000 + 2 * 5);
            f.writeShort(0);
        }
        HostFile image = HostFile.load(img);
        byte[] before = image.read(0, (int) image.length());
        RepairRunner.RepairReport r = RepairRunner.repairAll(image);

        assertArrayEquals(before, image.read(0, (int) image.length()), "the session's image changed");
        Qemu.Result q = Qemu.img("check", "-r", "all", img.toString());
        assertEquals(q.stdout() + q.stderr(), r.report());
        assertEquals(q.exitCode(), r.exitCode());
        assertArrayEquals(Files.readAllBytes(img), r.repaired().read(0, (int) r.repaired().length()));
        assertEquals(0, ReferenceCounts.of(r.repaired()).result().exitCode());
        List<String> c = r.changes();
        assertTrue(c.contains("freed and punched 0x10000 (refcount table before the repair)"), c.toString());
        assertTrue(c.contains("freed and punched 0x20000 (refcount block before the repair)"), c.toString());
    }
}
