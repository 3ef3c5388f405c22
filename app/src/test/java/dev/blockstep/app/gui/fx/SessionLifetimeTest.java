package dev.blockstep.app.gui.fx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.blockstep.engine.session.DebugTarget;
import java.lang.ref.WeakReference;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** The window keeps only the session that is open: the one before becomes garbage. */
@ExtendWith({ApplicationExtension.class, FxThreadFailures.class})
class SessionLifetimeTest {

    private WindowFixture fx;

    @Start
    void start(Stage stage) {
        fx = new WindowFixture(stage);
    }

    private void open(String sample) {
        long before = fx.vm.session().state() == null ? 0 : fx.vm.session().state().stepRevision();
        Platform.runLater(() -> fx.vm.open(sample, fx.wiring.sample(sample)));
        WindowFixture.until("opened " + sample, () -> fx.vm.session().state() != null
                && fx.vm.session().state().stepRevision() > before && !fx.vm.busyProperty().get());
        assertEquals("", fx.vm.errorDialogProperty().get());
    }

    /** The open target, held weakly: the test itself must not keep it alive. */
    private WeakReference<DebugTarget> openTarget() throws Exception {
        CompletableFuture<WeakReference<DebugTarget>> got = new CompletableFuture<>();
        Platform.runLater(() -> fx.vm.session().query("test", WeakReference::new, got::complete));
        return got.get(60, TimeUnit.SECONDS);
    }

    @Test
    void openingASecondFileLeavesTheFirstSessionUnreachable() throws Exception {
        open("minimal-race");
        // Use the first session the way a user would: run it, let the check and every panel see it, save nothing.
        Platform.runLater(fx.vm::resume);
        WindowFixture.until("finished", () -> fx.vm.finishedProperty().get() && !fx.vm.busyProperty().get());
        WeakReference<DebugTarget> first = openTarget();
        assertNotNull(first.get());

        open("minimal-race-fixed");
        Platform.runLater(fx.vm::step);
        WindowFixture.until("stepped", () -> fx.vm.stepProperty().get() == 1 && !fx.vm.busyProperty().get());
        for (int i = 0; i < 40 && first.get() != null; i++) {
            System.gc();
            Thread.sleep(50);
        }
        assertNull(first.get(), "the first session is still reachable after opening another file");
    }
}
