package dev.blockstep.app.gui.fx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.app.gui.panels.LiveRow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javafx.beans.InvalidationListener;
import javafx.scene.Node;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableView;
import javafx.scene.shape.Line;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * A step redraws what it changed and nothing else (issue 14's speed): on the software renderer every node marked
 * changed is repainted, and a whole table or a whole timeline repainted per F8 was most of a step's frame.
 */
@ExtendWith({ApplicationExtension.class, FxThreadFailures.class})
class StepTouchesOnlyWhatChangedTest {

    private WindowFixture fx;

    @Start
    void start(Stage stage) {
        fx = new WindowFixture(stage);
    }

    private static <T> T onFx(java.util.concurrent.Callable<T> c) {
        try {
            return WaitForAsyncUtils.asyncFx(c).get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aStepRefillsOnlyTheCoroutineRowsItChanged(FxRobot robot) {
        fx.openSample("minimal-race");
        TableView<LiveRow<Integer, ?>> table = onFx(() -> robot.lookup("#coroutines").queryAs(TableView.class));
        int untouchedRowsSeen = 0;
        int refilledCells = 0;
        for (int i = 0; i < 12; i++) {
            Map<Integer, Object> before = new HashMap<>();
            Set<Integer> refilled = new HashSet<>();
            List<Runnable> detach = new ArrayList<>();
            onFx(() -> {
                table.getItems().forEach(r -> before.put(r.key(), r.value()));
                for (Node n : table.lookupAll(".table-cell")) {
                    if (n instanceof TableCell<?, ?> c && c.getTableRow() != null
                            && c.getTableRow().getItem() instanceof LiveRow<?, ?> r) {
                        Integer key = (Integer) r.key();
                        InvalidationListener l = o -> refilled.add(key);
                        c.textProperty().addListener(l);
                        detach.add(() -> c.textProperty().removeListener(l));
                    }
                }
                return null;
            });
            fx.command(fx.vm::step);
            WaitForAsyncUtils.waitForFxEvents();
            Map<Integer, Object> after = onFx(() -> {
                detach.forEach(Runnable::run);
                Map<Integer, Object> m = new HashMap<>();
                table.getItems().forEach(r -> m.put(r.key(), r.value()));
                return m;
            });
            if (!after.keySet().equals(before.keySet())) {
                continue; // a row came or went: the rows below it move, and their cells are refilled rightly
            }
            for (Integer key : before.keySet()) {
                if (before.get(key).equals(after.get(key))) {
                    untouchedRowsSeen++;
                    assertFalse(refilled.contains(key), "step " + (i + 1) + " refilled the cells of coroutine " + key
                            + ", whose row did not change");
                } else if (refilled.contains(key)) {
                    refilledCells++;
                }
            }
        }
        assertTrue(untouchedRowsSeen > 0, "no step left a row unchanged: this test saw nothing");
        assertTrue(refilledCells > 0, "no changed row was seen refilled: the listeners saw nothing");
    }

    @Test
    void aStepInsideTheVisibleStepsMovesTheCursorAndLeavesTheTimelineCanvasAlone(FxRobot robot) {
        fx.openSample("minimal-race");
        // step 0's guide card gives its room to the timeline after the first step, and a resized canvas is redrawn
        fx.command(fx.vm::step);
        WaitForAsyncUtils.waitForFxEvents();
        var timeline = fx.window.timelinePanel();
        Line cursor = onFx(() -> robot.lookup("#timeline-cursor").queryAs(Line.class));
        int redraws = onFx(timeline::canvasRedraws);
        double x = onFx(cursor::getStartX);
        for (int i = 0; i < 5; i++) {
            fx.command(fx.vm::step);
            WaitForAsyncUtils.waitForFxEvents();
            double now = onFx(cursor::getStartX);
            assertTrue(now > x, "step " + (i + 1) + ": the cursor moved right (" + x + " -> " + now + ")");
            x = now;
        }
        assertEquals(redraws, onFx(timeline::canvasRedraws).intValue(), "canvas redraws over five steps in view");
    }

    /**
     * A changed style class makes JavaFX look a node's whole style up again; a jump that did so for every visible
     * cell spent most of its frame there. States that come and go with the data are pseudo-classes.
     */
    @Test
    void noStepOrJumpChangesAStyleClass(FxRobot robot) {
        fx.openSample("minimal-race");
        List<String> changes = new ArrayList<>();
        javafx.collections.ListChangeListener<String> note = c -> changes.add(c.getList().toString());
        List<Node> watched = onFx(() -> {
            List<Node> all = new ArrayList<>(robot.lookup(".table-cell").queryAll());
            all.forEach(n -> n.getStyleClass().addListener(note));
            return all;
        });
        assertTrue(onFx(() -> watched.stream().anyMatch(n -> n.getPseudoClassStates()
                .contains(dev.blockstep.app.gui.Styles.READS_ZERO))), "step 0 shows guest 0's ZERO entry muted");
        fx.resumeToEnd();
        int end = fx.state().snapshot().step();
        for (int to : new int[] {1, end, 2, end - 1, 0, end / 2}) {
            fx.goTo(to);
        }
        WaitForAsyncUtils.waitForFxEvents();
        onFx(() -> {
            watched.forEach(n -> n.getStyleClass().removeListener(note));
            return null;
        });
        assertEquals(List.of(), changes, "style classes changed by stepping and jumping");
    }
}
