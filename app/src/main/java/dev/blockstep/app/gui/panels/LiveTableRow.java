package dev.blockstep.app.gui.panels;

import javafx.scene.control.TableRow;

/**
 * A table row that restyles itself when its {@link LiveRow}'s value changes, not only when it is handed another
 * row: a TableView tells its rows about new items, not about items that changed in place.
 */
abstract class LiveTableRow<K, T> extends TableRow<LiveRow<K, T>> {

    private final RowWatch<K, T> watch = new RowWatch<>(() -> show(getItem() == null ? null : getItem().value()));

    @Override
    protected void updateItem(LiveRow<K, T> row, boolean empty) {
        super.updateItem(row, empty);
        LiveRow<K, T> now = empty ? null : row;
        watch.watch(now);
        show(now == null ? null : now.value());
    }

    /** Styles the row for {@code value}, or for an empty row when it is null. */
    protected abstract void show(T value);
}
