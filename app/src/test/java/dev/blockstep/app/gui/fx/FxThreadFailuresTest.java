package dev.blockstep.app.gui.fx;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import javafx.application.Platform;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

@ExtendWith(ApplicationExtension.class)
class FxThreadFailuresTest {

    @Start
    void start(Stage stage) {
    }

    @Test
    void aTestWhoseCodeThrewOnTheFxThreadFailsWithThatException() throws Exception {
        FxThreadFailures ext = new FxThreadFailures();
        ext.beforeEach(null);
        Platform.runLater(() -> {
            throw new IllegalStateException("boom in a handler");
        });
        FxThreadFailures.onFx(() -> { });
        AssertionError e = assertThrows(AssertionError.class, () -> ext.failIfThrown("the test"));
        assertTrue(e.getMessage().contains("boom in a handler"), e.getMessage());
        FxThreadFailures.onFx(() -> Thread.currentThread().setUncaughtExceptionHandler(null));
    }

    @Test
    void aTestThatThrewNothingPasses() throws Exception {
        FxThreadFailures ext = new FxThreadFailures();
        ext.beforeEach(null);
        FxThreadFailures.onFx(() -> { });
        assertDoesNotThrow(() -> ext.failIfThrown("the test"));
    }
}
