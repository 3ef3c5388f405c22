package dev.blockstep.app.gui.fx;

import static dev.blockstep.app.gui.fx.WindowFixture.onFx;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.testing.Qemu;
import dev.blockstep.samples.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The window on the image real qemu-io left dirty when killed: opened as a file or as the sample
 * dirty-lazy-refcounts, step 0 shows the image as qemu's read-write open repaired it (byte for byte what real
 * qemu-io leaves after opening a copy and closing it), the guide card says so with qemu-img check -r all's counts,
 * and the file is not written.
 */
@ExtendWith({ApplicationExtension.class, FxThreadFailures.class})
class DirtyImageWindowTest {

    static final String SAMPLE = "dirty-lazy-refcounts";
    static final String SAYS = "dirty-lazy-refcounts.qcow2: the image's dirty bit was set; qemu repairs it on open:"
            + " 2 leaked clusters freed, 2 refcounts fixed";

    @TempDir
    Path dir;
    private WindowFixture fx;

    @Start
    void start(Stage stage) {
        fx = new WindowFixture(stage);
    }

    /** What real qemu-io leaves when it opens a copy of the dirty image read-write and closes it. */
    private byte[] repairedByQemuIo() throws Exception {
        Path copy = Files.copy(dir.resolve(SAMPLE + ".qcow2"), dir.resolve("qemu-io.qcow2"));
        Qemu.Result io = Qemu.io("-c", "close", copy.toString());
        assertEquals(0, io.exitCode(), io.stderr());
        return Files.readAllBytes(copy);
    }

    private byte[] imageAtStepZero() throws Exception {
        CompletableFuture<HostFile> image = new CompletableFuture<>();
        Platform.runLater(() -> fx.vm.session().query("test", t -> t.image(), image::complete));
        HostFile f = image.get(30, TimeUnit.SECONDS);
        return f.read(0, (int) f.length());
    }

    private void guideSaysTheRepair() {
        WindowFixture.until("the guide says what the open repaired",
                () -> fx.window.guide().repairText().startsWith(SAYS));
        assertTrue(onFx(() -> fx.window.guide().showing()), "the guide card shows at step 0");
        assertEquals(0, (int) onFx(() -> fx.vm.session().state().snapshot().step()));
    }

    @Test
    void aDirtyImageFileOpensRepairedAsQemuIoWouldAndTheFileStaysAsItWas() throws Exception {
        Samples.copyBaseImages(SAMPLE, dir);
        Path image = dir.resolve(SAMPLE + ".qcow2");
        byte[] before = Files.readAllBytes(image);
        assertEquals("", fx.openFile(image), "the image was refused");
        guideSaysTheRepair();

        assertArrayEquals(repairedByQemuIo(), imageAtStepZero());
        assertArrayEquals(before, Files.readAllBytes(image), "the window must not write the file it opened");
    }

    @Test
    void theDirtySampleSaysItsImageWasRepairedOnOpen() throws Exception {
        long opened = fx.vm.session().openRevision();
        Platform.runLater(() -> fx.vm.open(SAMPLE, fx.wiring.sample(SAMPLE)));
        WindowFixture.until(SAMPLE + " is loaded", () -> fx.vm.session().openRevision() > opened
                && fx.vm.session().state() != null && !fx.vm.busyProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("", onFx(() -> fx.vm.errorDialogProperty().get()), SAMPLE + " was refused");
        guideSaysTheRepair();

        Samples.copyBaseImages(SAMPLE, dir);
        assertArrayEquals(repairedByQemuIo(), imageAtStepZero());
    }

    @Test
    void aCleanImageOpensWithoutARepairLine() throws Exception {
        Path image = dir.resolve("clean.qcow2");
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", "-o", "lazy_refcounts=on", image.toString(), "1M")
                .exitCode());
        assertEquals(0, Qemu.io("-c", "write -P 0x11 0 64k", image.toString()).exitCode());
        assertEquals("", fx.openFile(image), "the image was refused");
        WaitForAsyncUtils.sleep(300, TimeUnit.MILLISECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("", onFx(() -> fx.window.guide().repairText()));
    }
}
