package dev.blockstep.app.gui.panels;

import java.util.List;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.text.Font;
import javafx.scene.text.Text;

/**
 * Shows as many of a table's columns as fit whole at its width, most wanted first, each at least as wide as its
 * header and its widest usual value: a 1024x768 screen gave the eight tracked-request columns 260 px and cut
 * every header to "Of…" or "…". The hidden ones come back when the pane widens.
 */
final class FittingColumns {

    /** A column and the widest text it usually shows besides its header (e.g. "0x0+64k"). */
    record Wanted<S>(TableColumn<S, ?> column, String widest) {
    }

    /** Room a cell or header takes besides its text: padding and the grid line. */
    private static final double PADDING = 16;

    private FittingColumns() {
    }

    /** {@code byPriority} in the order they give way, last first; the table shows them in its own order. */
    static <S> void install(TableView<S> table, List<Wanted<S>> byPriority) {
        for (Wanted<S> w : byPriority) {
            w.column().setMinWidth(needed(w));
        }
        table.widthProperty().addListener((o, was, now) -> fit(byPriority, now.doubleValue()));
    }

    private static <S> void fit(List<Wanted<S>> byPriority, double width) {
        double used = 2;
        for (Wanted<S> w : byPriority) {
            used += w.column().getMinWidth();
            w.column().setVisible(used <= width);
        }
    }

    private static double needed(Wanted<?> w) {
        Text t = new Text();
        t.setFont(Font.getDefault());
        double most = 0;
        for (String s : List.of(w.column().getText(), w.widest())) {
            t.setText(s);
            most = Math.max(most, t.getLayoutBounds().getWidth());
        }
        return Math.ceil(most + PADDING);
    }
}
