package dev.blockstep.app.gui.fx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.app.gui.session.CheckRunner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TextArea;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * File > Repair (qemu-img check -r all) on the race's corrupted image: a window shows the check before (the
 * race's refcount errors), the repair and what it changed, and a clean check after; the session's image is
 * left corrupt, as it was.
 */
@ExtendWith({ApplicationExtension.class, FxThreadFailures.class})
class RepairMenuTest {

    private WindowFixture fx;

    @Start
    void start(Stage stage) {
        fx = new WindowFixture(stage);
    }

    @Test
    void repairShowsTheCheckBeforeTheChangesAndACleanCheckAfter() throws Exception {
        fx.openSample("minimal-race");
        Platform.runLater(fx.vm::resume);
        WindowFixture.until("finished", () -> fx.vm.finishedProperty().get() && !fx.vm.busyProperty().get());

        Platform.runLater(() -> repairItem().fire());
        WindowFixture.until("the repair window is shown", () -> repairText() != null);
        String text = WaitForAsyncUtils.asyncFx(RepairMenuTest::repairText).get();
        assertTrue(text.startsWith("Before: qemu-img check (exit 2)"), text);
        assertTrue(text.contains("refcount=0 reference=1") || text.contains("refcount=1 reference=2"), text);
        assertTrue(text.contains("After: qemu-img check of the repaired copy (exit 0)"), text);
        assertTrue(text.contains("No errors were found on the image."), text);
        assertTrue(!text.contains("  nothing\n"), "the repair changed nothing: " + text);

        CompletableFuture<CheckRunner.CheckResult> after = new CompletableFuture<>();
        Platform.runLater(() -> fx.vm.session().query("test", fx.wiring.checkRunner()::check, after::complete));
        assertEquals(2, after.get(60, TimeUnit.SECONDS).exitCode(), "the session's own image was repaired");
    }

    private MenuItem repairItem() {
        MenuBar bar = (MenuBar) fx.window.scene().getRoot().lookup(".menu-bar");
        return bar.getMenus().stream().flatMap(m -> m.getItems().stream())
                .filter(i -> "menu-repair".equals(i.getId())).findFirst().orElseThrow();
    }

    /** The repair window's text, or null while it is not shown; read on the FX thread. */
    private static String repairText() {
        for (Window w : Window.getWindows()) {
            if (w.getScene() != null && w.getScene().lookup("#repair-report") instanceof TextArea t) {
                return t.getText();
            }
        }
        return null;
    }
}
