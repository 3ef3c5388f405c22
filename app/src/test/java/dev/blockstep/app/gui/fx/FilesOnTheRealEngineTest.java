package dev.blockstep.app.gui.fx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.app.gui.session.EngineWiring;
import dev.blockstep.app.gui.session.TargetSource;
import dev.blockstep.engine.testing.Qemu;
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

/** Opening, exporting and saving files through the window's wiring, checked against real qemu-img. */
@ExtendWith({ApplicationExtension.class, FxThreadFailures.class})
class FilesOnTheRealEngineTest {

    @TempDir
    Path dir;
    private WindowFixture fx;

    @Start
    void start(Stage stage) {
        fx = new WindowFixture(stage);
    }

    private void open(Runnable onFx) {
        long before = fx.vm.session().state() == null ? 0 : fx.vm.session().state().stepRevision();
        Platform.runLater(onFx);
        WindowFixture.until("opened", () -> fx.vm.session().state() != null
                && fx.vm.session().state().stepRevision() > before && !fx.vm.busyProperty().get());
    }

    private void runToEnd() {
        Platform.runLater(fx.vm::resume);
        WindowFixture.until("finished", () -> fx.vm.finishedProperty().get() && !fx.vm.busyProperty().get());
    }

    /** Runs a wiring call on the engine worker, as the menus do, and returns its one-line failure or "". */
    private String onWorker(WiringCall call) throws Exception {
        CompletableFuture<String> done = new CompletableFuture<>();
        Platform.runLater(() -> fx.vm.session().query("test", t -> {
            try {
                call.run(t);
                return "";
            } catch (TargetSource.OpenException e) {
                return e.getMessage();
            }
        }, done::complete));
        return done.get(60, TimeUnit.SECONDS);
    }

    @FunctionalInterface
    interface WiringCall {
        void run(dev.blockstep.engine.session.DebugTarget t) throws TargetSource.OpenException;
    }

    @Test
    void anImageMadeByQemuOpensWithItsL2EntryAndStaysUnchanged() throws Exception {
        Path img = dir.resolve("q.qcow2");
        assertEquals(0, Qemu.img("create", "-f", "qcow2", img.toString(), "16M").exitCode());
        assertEquals(0, Qemu.io("-f", "qcow2", "-c", "write -P 0x11 0 64k", img.toString()).exitCode());
        byte[] before = Files.readAllBytes(img);
        open(() -> fx.window.openFile(img));
        String l2 = WaitForAsyncUtils.asyncFx(() -> fx.window.tablesPanel().l2Items().toString()).get();
        assertTrue(WaitForAsyncUtils.asyncFx(() -> fx.window.tablesPanel().l2Items().size()).get() == 1, l2);
        assertEquals(0x50000L, (long) WaitForAsyncUtils.asyncFx(
                () -> fx.window.tablesPanel().l2Items().get(0).row().entry().hostOffset()).get());
        Platform.runLater(fx.vm::resume);
        WindowFixture.until("finished", () -> fx.vm.finishedProperty().get() && !fx.vm.busyProperty().get());
        assertArrayEquals(before, Files.readAllBytes(img), "opening an image must not change it");
    }

    @Test
    void theExportedImageOfTheCorruptedSampleFailsRealQemuImgCheckTheSameWay() throws Exception {
        open(() -> fx.vm.open(EngineWiring.DEFAULT_SAMPLE, fx.wiring.sample(EngineWiring.DEFAULT_SAMPLE)));
        runToEnd();
        Path out = dir.resolve("exported.qcow2");
        assertEquals("", onWorker(t -> fx.wiring.exportImage(t, out)));
        Qemu.Result check = Qemu.img("check", out.toString());
        assertEquals(2, check.exitCode(), check.stdout() + check.stderr());
        assertTrue(check.stderr().contains("ERROR cluster 5 refcount=0 reference=1"), check.stderr());
        String ours = WaitForAsyncUtils.asyncFx(() -> fx.window.checkPanel().reportText()).get();
        assertTrue(ours.startsWith(check.stderr()), "ours:\n" + ours + "\nqemu-img:\n" + check.stderr());
    }

    @Test
    void aSavedTraceReopensAtStepZeroWithTheSameHistoryAhead() throws Exception {
        open(() -> fx.vm.open(EngineWiring.DEFAULT_SAMPLE, fx.wiring.sample(EngineWiring.DEFAULT_SAMPLE)));
        runToEnd();
        int steps = fx.vm.stepProperty().get();
        Path saved = dir.resolve("run.json");
        assertEquals("", onWorker(t -> fx.wiring.saveTrace(t, saved)));
        open(() -> fx.window.openFile(saved));
        assertEquals(0, fx.vm.stepProperty().get());
        assertEquals(steps, fx.vm.historyLengthProperty().get());
        runToEnd();
        assertTrue(fx.window.refcountPanel().flaggedLines().stream()
                .anyMatch(l -> l.startsWith("ERROR cluster 5 refcount=0 reference=1")));
    }

    @Test
    void aCapturedQemuLogOpensOnTheBaseImageBesideItAndEndsWithTheRealImagesCheckErrors() throws Exception {
        // qemu-io-a: a real qemu-io 7.2 run that corrupted its image; check.stderr is what real qemu-img check said
        Path capture = Path.of("..", "samples", "src", "main", "resources", "captures", "qemu-io-a");
        Path log = dir.resolve("trace.log");
        Files.copy(capture.resolve("trace.log"), log);
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(capture.resolve("base.qcow2.gz")))) {
            Files.copy(in, dir.resolve("base.qcow2"));
        }
        byte[] baseBefore = Files.readAllBytes(dir.resolve("base.qcow2"));
        open(() -> fx.window.openFile(log));
        assertEquals("", fx.vm.errorDialogProperty().get());
        assertEquals(0, fx.vm.stepProperty().get());
        runToEnd();
        // the refcount panel flags the per-cluster lines (with the guest offset it adds); they must be exactly the
        // real image's
        java.util.List<String> real = Files.readAllLines(capture.resolve("check.stderr")).stream()
                .filter(l -> l.startsWith("ERROR cluster ")).toList();
        assertTrue(!real.isEmpty(), "the capture corrupted its image");
        java.util.List<String> shown = fx.window.refcountPanel().flaggedLines().stream()
                .map(l -> l.replaceAll(" \\(guest \\d+\\)$", "")).toList();
        assertEquals(real, shown);
        assertArrayEquals(baseBefore, Files.readAllBytes(dir.resolve("base.qcow2")), "the base image is untouched");
    }

    @Test
    void aJobCaptureOpensOnItsBackingChainAndEndsWithTheRealImagesCheck() throws Exception {
        // stream-hmp-a: real qemu-system 7.2 streamed mid and base into top beside HMP guest I/O; check.stdout is what
        // real qemu-img check said of the top it left. The base image beside the log is that top, whose header
        // names mid.qcow2, which names base.qcow2; the qemu-io script beside it gives the discard's range.
        Path capture = Path.of("..", "samples", "src", "main", "resources", "captures", "stream-hmp-a");
        Path log = dir.resolve("trace.log");
        Files.copy(capture.resolve("trace.log"), log);
        Files.copy(capture.resolve("workload.txt"), dir.resolve("trace.qemu-io"));
        for (String image : new String[] {"top", "mid", "base"}) {
            try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(capture.resolve(image + ".qcow2.gz")))) {
                Files.copy(in, dir.resolve(image.equals("top") ? "trace.base.qcow2" : image + ".qcow2"));
            }
        }
        byte[] topBefore = Files.readAllBytes(dir.resolve("trace.base.qcow2"));
        open(() -> fx.window.openFile(log));
        assertEquals("", fx.vm.errorDialogProperty().get());
        runToEnd();
        Path out = dir.resolve("exported.qcow2");
        assertEquals("", onWorker(t -> fx.wiring.exportImage(t, out)));
        Qemu.Result check = Qemu.img("check", out.toString());
        assertEquals(Files.readString(capture.resolve("check.stdout")), check.stdout());
        assertEquals(Integer.parseInt(Files.readString(capture.resolve("check.exit")).trim()), check.exitCode());
        String ours = WaitForAsyncUtils.asyncFx(() -> fx.window.checkPanel().reportText()).get();
        assertTrue(ours.startsWith("No errors were found on the image."), ours);
        assertArrayEquals(topBefore, Files.readAllBytes(dir.resolve("trace.base.qcow2")), "the base image is untouched");
    }

    @Test
    void aCapturedQemuTraceLogOpensWithTheLogsOrderAhead() throws Exception {
        // serial-write-read.log was captured on a fresh 16 MiB qemu-img image: that image is its base
        Path log = dir.resolve("serial-write-read.log");
        Files.copy(Path.of("..", "trace-format", "src", "test", "resources", "captured", "serial-write-read.log"), log);
        Qemu.img("create", "-f", "qcow2", dir.resolve("base.qcow2").toString(), "16M");
        open(() -> fx.window.openFile(log));
        assertEquals("", fx.vm.errorDialogProperty().get());
        assertEquals(0, fx.vm.stepProperty().get());
        assertTrue(fx.vm.historyLengthProperty().get() > 0, "the log's order is known ahead");
    }
}
