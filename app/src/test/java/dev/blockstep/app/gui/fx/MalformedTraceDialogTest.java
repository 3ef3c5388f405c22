package dev.blockstep.app.gui.fx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javafx.application.Platform;
import javafx.scene.control.DialogPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

@ExtendWith({ApplicationExtension.class, FxThreadFailures.class})
class MalformedTraceDialogTest {

    @TempDir
    Path dir;
    private WindowFixture fx;

    @Start
    void start(Stage stage) {
        fx = new WindowFixture(stage);
    }

    @Test
    void aMalformedTraceShowsItsOneLineErrorInADialog(FxRobot robot) throws IOException {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\n  \"formatVersion\": \"one\"\n}\n");
        Platform.runLater(() -> fx.window.openFile(bad));
        WindowFixture.until("the error dialog shows", () -> robot.lookup("#error-dialog").tryQuery().isPresent());
        DialogPane pane = robot.lookup("#error-dialog").queryAs(DialogPane.class);
        String text = pane.getContentText();
        assertTrue(text.startsWith("bad.json:2:20: $.formatVersion: expected"), text);
        assertFalse(text.contains("\n"), "one line: " + text);
        assertFalse(text.contains("Exception"), text);
        assertEquals(text, fx.vm.statusProperty().get());
    }
}
