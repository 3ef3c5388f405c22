package dev.blockstep.app.gui.panels;

import java.util.Objects;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;

/**
 * One row of a table that stays the same object for as long as its key (a coroutine, a request, a guest cluster)
 * is shown; a step changes only its value.
 *
 * <p>Why not a list of immutable rows: a TableView answers any replacement in its items list by rebuilding every
 * visible row, and on the software renderer repainting the whole table costs tens of milliseconds a step. A row
 * whose value changes in place restyles and repaints only its own cells ({@link LiveCell}, {@link LiveTableRow}).
 *
 * @param <K> what identifies the row across steps
 * @param <T> what the row shows at this step: an immutable value whose {@code equals} says "looks the same"
 */
public final class LiveRow<K, T> {

    private final K key;
    private final ReadOnlyObjectWrapper<T> value;

    LiveRow(K key, T value) {
        this.key = Objects.requireNonNull(key);
        this.value = new ReadOnlyObjectWrapper<>(value);
    }

    public K key() {
        return key;
    }

    public T value() {
        return value.get();
    }

    public ReadOnlyObjectProperty<T> valueProperty() {
        return value.getReadOnlyProperty();
    }

    /** Changes the value only when it would look different, so an unchanged row is not touched. */
    void set(T next) {
        if (!Objects.equals(next, value.get())) {
            value.set(next);
        }
    }
}
