package dev.blockstep.app.gui.fx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.javafx.perf.PerformanceTracker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * One step, one frame: the table cells restyled during layout must not cost a second, whole-window repaint
 * (issue 14's speed; {@code SettledCss} says why it happened).
 */
@ExtendWith({ApplicationExtension.class, FxThreadFailures.class})
class OneFramePerStepTest {

    private WindowFixture fx;
    private final AtomicInteger frames = new AtomicInteger();

    @Start
    void start(Stage stage) {
        fx = new WindowFixture(stage);
        PerformanceTracker.getSceneTracker(fx.window.scene()).setOnRenderedFrameTask(frames::incrementAndGet);
    }

    /** Frames rendered from now until the window has been quiet for a while. */
    private int framesOf(Runnable command) throws InterruptedException {
        settle();
        int before = frames.get();
        command.run();
        settle();
        return frames.get() - before;
    }

    private static void settle() throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            WaitForAsyncUtils.waitForFxEvents();
            Thread.sleep(150);
        }
    }

    @Test
    void eachStepRendersOneFrame() throws InterruptedException {
        fx.openSample("minimal-race");
        List<Integer> perStep = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            perStep.add(framesOf(() -> fx.command(fx.vm::step)));
        }
        assertEquals(List.of(1, 1, 1, 1, 1, 1), perStep, "frames rendered by each of six F8s");
    }
}
