package dev.blockstep.app.gui.fx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.app.gui.session.DebugSessionTest;
import dev.blockstep.app.gui.session.ScriptedTarget;
import dev.blockstep.app.gui.session.SessionPanel;
import dev.blockstep.app.gui.session.SessionState;
import javafx.application.Platform;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * A panel bug must not stop stepping. The target is a scripted list of hand-built snapshots: this tests the
 * window's plumbing, not the engine.
 */
@ExtendWith({ApplicationExtension.class, FxThreadFailures.class})
class BrokenPanelBannerTest {

    private WindowFixture fx;

    @Start
    void start(Stage stage) {
        fx = new WindowFixture(stage);
        fx.vm.session().addPanel(new SessionPanel() {
            @Override
            public String panelName() {
                return "Broken";
            }

            @Override
            public void stepDidChange(SessionState state) {
                if (state.snapshot().step() > 0) {
                    throw new IllegalStateException("bug in a panel");
                }
            }
        });
    }

    @Test
    void aPanelThatThrowsShowsABannerAndF8KeepsStepping(FxRobot robot) {
        Platform.runLater(() -> fx.vm.open("scripted", () -> new ScriptedTarget(DebugSessionTest.fiveSteps())));
        WindowFixture.until("loaded", () -> fx.vm.loadedProperty().get());
        robot.push(KeyCode.F8);
        WindowFixture.until("step 1", () -> fx.vm.stepProperty().get() == 1);
        robot.push(KeyCode.F8);
        WindowFixture.until("step 2", () -> fx.vm.stepProperty().get() == 2);
        assertTrue(robot.lookup("#banner").query().isVisible());
        assertTrue(robot.lookup("#banner-text").queryLabeled().getText().startsWith("The Broken view failed"));
        assertEquals(2, fx.vm.stepProperty().get());
    }
}
