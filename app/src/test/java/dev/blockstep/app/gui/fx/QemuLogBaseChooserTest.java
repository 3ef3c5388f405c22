package dev.blockstep.app.gui.fx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javafx.application.Platform;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * Issue 10's GUI item: a qemu log with no base image beside it asks for one (the chooser is injected) and never
 * starts from an empty image. The capture qemu-io-a is a real qemu-io 7.2 run that corrupted its image.
 */
@ExtendWith({ApplicationExtension.class, FxThreadFailures.class})
class QemuLogBaseChooserTest {

    private static final Path CAPTURE = Path.of("..", "samples", "src", "main", "resources", "captures", "qemu-io-a");

    @TempDir
    Path dir;
    private WindowFixture fx;
    private final List<Path> asked = new ArrayList<>();

    @Start
    void start(Stage stage) {
        fx = new WindowFixture(stage);
    }

    private Path lonelyLog() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Path log = logs.resolve("lonely.log");
        Files.copy(CAPTURE.resolve("trace.log"), log);
        return log;
    }

    @Test
    void cancellingTheChooserRefusesTheLogInOneLine() throws Exception {
        Path log = lonelyLog();
        String status = fx.refusedOpen(log, () -> fx.window.setBaseImageChooser(l -> {
            asked.add(l);
            return Optional.empty();
        }));
        assertEquals(List.of(log), asked);
        assertTrue(status.startsWith(log + ": not opened: no base image chosen"), status);
    }

    @Test
    void theChosenBaseImageIsWhereTheReplayStartsAndItEndsWithTheRealImagesErrors() throws Exception {
        Path log = lonelyLog();
        Path elsewhere = Files.createDirectories(dir.resolve("images")).resolve("started-from.qcow2");
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(CAPTURE.resolve("base.qcow2.gz")))) {
            Files.copy(in, elsewhere);
        }
        byte[] before = Files.readAllBytes(elsewhere);
        Platform.runLater(() -> {
            fx.window.setBaseImageChooser(l -> {
                asked.add(l);
                return Optional.of(elsewhere);
            });
            fx.window.openFile(log);
        });
        WindowFixture.until("the log is open", () -> fx.vm.loadedProperty().get() && !fx.vm.busyProperty().get());
        assertEquals("", fx.vm.errorDialogProperty().get());
        assertEquals(List.of(log), asked);
        Platform.runLater(fx.vm::resume);
        WindowFixture.until("finished", () -> fx.vm.finishedProperty().get() && !fx.vm.busyProperty().get());
        List<String> real = Files.readAllLines(CAPTURE.resolve("check.stderr")).stream()
                .filter(l -> l.startsWith("ERROR cluster ")).toList();
        assertFalse(real.isEmpty(), "the capture corrupted its image");
        List<String> shown = fx.window.refcountPanel().flaggedLines().stream()
                .map(l -> l.replaceAll(" \\(guest \\d+\\)$", "")).toList();
        assertEquals(real, shown);
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(elsewhere)), "the chosen image is untouched");
    }
}
