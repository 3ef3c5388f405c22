package dev.blockstep.app.gui.panels;

import javafx.beans.InvalidationListener;

/** One listener on the value of at most one {@link LiveRow}, moved when a cell or row is handed another row. */
final class RowWatch<K, T> {

    private final InvalidationListener listener;
    private LiveRow<K, T> watched;

    RowWatch(Runnable onChange) {
        this.listener = o -> onChange.run();
    }

    void watch(LiveRow<K, T> row) {
        if (row != watched) {
            if (watched != null) {
                watched.valueProperty().removeListener(listener);
            }
            if (row != null) {
                row.valueProperty().addListener(listener);
            }
            watched = row;
        }
    }

    LiveRow<K, T> watched() {
        return watched;
    }
}
