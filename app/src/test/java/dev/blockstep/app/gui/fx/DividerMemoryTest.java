package dev.blockstep.app.gui.fx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.blockstep.app.gui.DividerMemory;
import java.util.prefs.Preferences;
import javafx.scene.control.SplitPane;
import javafx.scene.layout.Pane;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

@ExtendWith({ApplicationExtension.class, FxThreadFailures.class})
class DividerMemoryTest {

    private final Preferences prefs = Preferences.userRoot().node("dev/blockstep/gui-test-dividers");

    @Start
    void start(Stage stage) {
    }

    @AfterEach
    void clear() throws Exception {
        prefs.removeNode();
    }

    private static SplitPane split() {
        SplitPane s = new SplitPane(new Pane(), new Pane());
        s.setId("s");
        s.setDividerPositions(0.5);
        return s;
    }

    @Test
    void aMovedDividerIsWhereItWasInTheNextWindow() throws Exception {
        double restored = WaitForAsyncUtils.asyncFx(() -> {
            SplitPane first = split();
            new DividerMemory(prefs).remember(first);
            first.setDividerPositions(0.3);
            SplitPane next = split();
            new DividerMemory(prefs).remember(next);
            return next.getDividers().get(0).getPosition();
        }).get();
        assertEquals(0.3, restored, 1e-9);
    }
}
