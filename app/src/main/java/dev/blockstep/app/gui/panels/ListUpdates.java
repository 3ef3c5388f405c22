package dev.blockstep.app.gui.panels;

import java.util.List;
import javafx.collections.ObservableList;

/**
 * Brings a ListView's items in line with new content touching only the rows that differ, so the list re-lays out
 * and repaints only what a step changed (setAll would rebuild every visible row on every step). A ListView redraws
 * just the replaced cells; a TableView rebuilds all its rows on any replacement, so tables use {@link LiveRows}.
 */
final class ListUpdates {
    private ListUpdates() {
    }

    static <T> void replaceChanged(ObservableList<T> shown, List<T> next) {
        if (shown.size() > next.size()) {
            shown.remove(next.size(), shown.size());
        }
        for (int i = 0; i < shown.size(); i++) {
            T n = next.get(i);
            if (!shown.get(i).equals(n)) {
                shown.set(i, n);
            }
        }
        if (next.size() > shown.size()) {
            shown.addAll(next.subList(shown.size(), next.size()));
        }
    }
}
