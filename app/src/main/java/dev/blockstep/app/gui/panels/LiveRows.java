package dev.blockstep.app.gui.panels;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import javafx.collections.ObservableList;

/**
 * Brings a table's {@link LiveRow}s in line with a step's values: rows whose key is gone are removed, new keys get
 * new rows at their place, and every other row keeps its object and only has its value set. The list itself sees
 * only removals and insertions, never a replacement (which a TableView answers by rebuilding every row).
 */
final class LiveRows {

    private LiveRows() {
    }

    /**
     * @param key what identifies a value's row; the keys of {@code next} must be distinct
     * @throws IllegalArgumentException if two values of {@code next} have the same key
     */
    static <K, T> void update(ObservableList<LiveRow<K, T>> rows, List<T> next, Function<T, K> key) {
        Set<K> wanted = new HashSet<>(next.size() * 2);
        for (T v : next) {
            if (!wanted.add(key.apply(v))) {
                throw new IllegalArgumentException("two rows with the key " + key.apply(v));
            }
        }
        for (int i = rows.size() - 1; i >= 0; i--) {
            if (!wanted.contains(rows.get(i).key())) {
                int end = i + 1;
                while (i > 0 && !wanted.contains(rows.get(i - 1).key())) {
                    i--;
                }
                rows.remove(i, end);
            }
        }
        Map<K, LiveRow<K, T>> byKey = null;
        for (int i = 0; i < next.size(); i++) {
            T v = next.get(i);
            K k = key.apply(v);
            if (i < rows.size() && rows.get(i).key().equals(k)) {
                rows.get(i).set(v);
                continue;
            }
            if (byKey == null) {
                byKey = new HashMap<>();
                for (LiveRow<K, T> r : rows) {
                    byKey.put(r.key(), r);
                }
            }
            LiveRow<K, T> moved = byKey.get(k);
            if (moved != null) {
                // a key that moved down the order (rare: the tables are kept in key order)
                rows.remove(moved);
                moved.set(v);
                rows.add(i, moved);
            } else {
                LiveRow<K, T> fresh = new LiveRow<>(k, v);
                byKey.put(k, fresh);
                rows.add(i, fresh);
            }
        }
    }
}
