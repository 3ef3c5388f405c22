package dev.blockstep.engine.qcow2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.event.EngineEventSink;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.format.BackingFile;
import dev.blockstep.engine.qcow2.format.ImageFormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening a backing chain: resolution beside the image, one-line refusals, and the files left as they were. */
class BackingChainTest {

    @TempDir
    Path dir;

    private Path image(String name, BackingFile backing) throws Exception {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Qcow2Create.create(1 << 20, 65536, backing).save(p);
        return p;
    }

    private static Qcow2Driver open(Path p) throws ImageFormatException, java.io.IOException {
        return Qcow2Driver.open(HostFile.load(p), p.toString(), EngineEventSink.NONE, BackingChain.of(p));
    }

    private static String refusal(Path p) {
        var e = assertThrows(ImageFormatException.class, () -> open(p));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void backingFilesResolveBesideTheImageThatNamesThem() throws Exception {
        Path base = image("a/base.qcow2", null);
        Path mid = image("a/b/mid.qcow2", new BackingFile("../base.qcow2", "qcow2"));
        Path top = image("top.qcow2", new BackingFile("a/b/mid.qcow2", "qcow2"));
        byte[] before = Files.readAllBytes(base);
        Qcow2Driver d = open(top);
        assertTrue(d.backingImage() instanceof BackingImage.Qcow2);
        assertEquals(new BackingFile("a/b/mid.qcow2", "qcow2"), d.backingFile());
        assertArrayEquals(before, Files.readAllBytes(base));
        assertTrue(Files.exists(mid));
    }

    @Test
    void aMissingBackingFileIsRefusedNamingTheImageAndTheLink() throws Exception {
        Path top = image("sub/top.qcow2", new BackingFile("gone.qcow2", "qcow2"));
        String m = refusal(top);
        assertTrue(m.startsWith(top + ": backing file gone.qcow2: Could not open '" + dir.resolve("sub/gone.qcow2")), m);
    }

    @Test
    void aLoopingChainIsRefused() throws Exception {
        image("a.qcow2", new BackingFile("b.qcow2", "qcow2"));
        Path b = image("b.qcow2", new BackingFile("a.qcow2", "qcow2"));
        assertTrue(refusal(b).contains("the backing chain loops back to"), refusal(b));
        Path self = image("self.qcow2", new BackingFile("self.qcow2", "qcow2"));
        assertTrue(refusal(self).contains("loops back"), refusal(self));
    }

    @Test
    void formatsBlockstepDoesNotModelAndMismatchedFormatsAreRefused() throws Exception {
        Files.write(dir.resolve("plain.raw"), new byte[4096]);
        Path wrong = image("wrong.qcow2", new BackingFile("plain.raw", "qcow2"));
        assertTrue(refusal(wrong).endsWith("Image is not in qcow2 format"), refusal(wrong));
        Path vmdk = image("vmdk.qcow2", new BackingFile("plain.raw", "vmdk"));
        assertTrue(refusal(vmdk).contains("expected backing format qcow2 or raw, got 'vmdk'"), refusal(vmdk));
    }

    @Test
    void openingWithoutAChainRefusesAnImageThatNamesABackingFile() throws Exception {
        Path top = image("t.qcow2", new BackingFile("base.raw", "raw"));
        var e = assertThrows(ImageFormatException.class,
                () -> Qcow2Driver.open(HostFile.load(top), "t.qcow2", EngineEventSink.NONE));
        assertTrue(e.getMessage().contains("backing file base.raw"), e.getMessage());
    }
}
