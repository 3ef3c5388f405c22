package dev.blockstep.app.gui.panels;

import java.util.function.Function;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;

/**
 * A cell of a {@link LiveRow} table: it follows its row's value, so a step that changes one row updates that row's
 * cells and no other. Subclasses add styles and tooltips in {@link #show}.
 */
public class LiveCell<K, T> extends TableCell<LiveRow<K, T>, T> {

    private final Function<T, String> text;
    /**
     * The row whose value this cell shows. A TableCell hears of a new value only by marking itself dirty and reads
     * it in the next layout pass, after that pulse's CSS pass: its new pseudo-classes were then styled a pulse
     * late, and the frame in between drew the new text in the old row's colours. Following the row directly, the
     * cell has its text and pseudo-classes before the CSS pass of the pulse that draws them.
     */
    private final RowWatch<K, T> row = new RowWatch<>(this::rowChanged);

    public LiveCell(Function<T, String> text) {
        this.text = text;
    }

    @Override
    protected final void updateItem(T value, boolean empty) {
        super.updateItem(value, empty);
        T shown = empty ? null : value;
        row.watch(shown == null || getTableRow() == null ? null : getTableRow().getItem());
        setText(shown == null ? null : text.apply(shown));
        show(shown);
    }

    private void rowChanged() {
        T v = row.watched() == null ? null : row.watched().value();
        setText(v == null ? null : text.apply(v));
        show(v);
    }

    /** Styles the cell for {@code value}, or for an empty cell when it is null. */
    protected void show(T value) {
    }

    /** A column whose cells ({@code cells}) follow the row's value. */
    static <K, T> TableColumn<LiveRow<K, T>, T> column(String title, double width,
            java.util.function.Supplier<? extends LiveCell<K, T>> cells) {
        TableColumn<LiveRow<K, T>, T> col = new TableColumn<>(title);
        if (width > 0) {
            col.setPrefWidth(width);
        }
        col.setSortable(false);
        col.setCellValueFactory(cd -> cd.getValue().valueProperty());
        col.setCellFactory(c -> cells.get());
        return col;
    }

    /** A column of plain text cells. */
    static <K, T> TableColumn<LiveRow<K, T>, T> column(String title, double width, Function<T, String> text) {
        return column(title, width, () -> new LiveCell<>(text));
    }
}
