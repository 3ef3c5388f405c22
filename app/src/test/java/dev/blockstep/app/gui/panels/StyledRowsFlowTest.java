package dev.blockstep.app.gui.panels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.app.gui.Styles;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableView;
import javafx.scene.layout.Background;
import javafx.scene.paint.Color;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * A table on {@link StyledRowsFlow} never shows a row in another row's styles: at the end of every layout pass,
 * the frame the renderer draws next, each visible cell's background is the one its own value's pseudo-class
 * asks for, whether the step changed values in place, removed rows (every row below moves up) or added them.
 */
@ExtendWith(ApplicationExtension.class)
class StyledRowsFlowTest {

    private record Co(int id, boolean changed) {
    }

    private static final Color LIT = Color.web("#ff0000");
    private static final String CSS = ".table-cell:changed { -fx-background-color: #ff0000; }";

    private TableView<LiveRow<Integer, Co>> table;
    private final List<String> wrong = new ArrayList<>();
    private int layouts;

    @Start
    void start(Stage stage) {
        table = new TableView<>();
        table.setFixedCellSize(24);
        StyledRowsFlow.install(table);
        table.getColumns().add(LiveCell.column("Co", 80, () -> new LiveCell<Integer, Co>(c -> "co " + c.id()) {
            @Override
            protected void show(Co c) {
                pseudoClassStateChanged(Styles.CHANGED, c != null && c.changed());
            }
        }));
        Scene scene = new Scene(table, 200, 400);
        scene.getStylesheets().add("data:text/css;base64,"
                + Base64.getEncoder().encodeToString(CSS.getBytes(StandardCharsets.UTF_8)));
        scene.addPostLayoutPulseListener(this::check);
        stage.setScene(scene);
        stage.show();
    }

    private void check() {
        layouts++;
        for (Node n : table.lookupAll(".table-cell")) {
            if (n instanceof TableCell<?, ?> cell && cell.isVisible() && cell.getItem() instanceof Co c) {
                Background bg = cell.getBackground();
                boolean lit = bg != null && bg.getFills().stream().anyMatch(f -> LIT.equals(f.getFill()));
                if (lit != c.changed()) {
                    wrong.add("co " + c.id() + (c.changed() ? " drawn unlit" : " drawn lit"));
                }
            }
        }
    }

    private static <T> T onFx(Callable<T> c) {
        try {
            return WaitForAsyncUtils.asyncFx(c).get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private void show(List<Co> values) {
        onFx(() -> {
            LiveRows.update(table.getItems(), values, Co::id);
            return null;
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    private static List<Co> rows(int from, int to, int litEvery) {
        List<Co> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(new Co(i, i % litEvery == 0));
        }
        return out;
    }

    @Test
    void everyLayoutDrawsEachRowInItsOwnStyles() {
        show(rows(0, 12, 3));
        show(rows(0, 12, 2));
        // a row gone from the top: every row below takes the cell of the one above it, in another state
        show(rows(1, 12, 2));
        show(rows(1, 12, 3));
        // rows back at the top: every row moves down
        show(rows(0, 12, 3));
        show(rows(0, 5, 2));
        assertTrue(layouts > 5, "the table was laid out " + layouts + " times");
        assertEquals(List.of(), wrong, "cells drawn in another row's styles at the end of a layout pass");
        long lit = onFx(() -> table.lookupAll(".table-cell").stream().filter(n -> n instanceof TableCell<?, ?> c
                && c.getItem() != null && c.getPseudoClassStates().contains(Styles.CHANGED)).count());
        assertEquals(3, lit, "co 0, 2 and 4 are lit");
    }
}
