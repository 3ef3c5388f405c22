package dev.blockstep.app.gui.panels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import org.junit.jupiter.api.Test;

/**
 * A table's rows keep their objects across steps and the list never sees a replacement: a TableView answers a
 * replacement by rebuilding (and the software renderer by repainting) every row.
 */
class LiveRowsTest {

    private record Co(int id, String state) {
    }

    private static final Function<Co, Integer> ID = Co::id;
    private final ObservableList<LiveRow<Integer, Co>> rows = FXCollections.observableArrayList();
    private final List<String> changes = new ArrayList<>();

    LiveRowsTest() {
        rows.addListener((ListChangeListener<LiveRow<Integer, Co>>) c -> {
            while (c.next()) {
                changes.add(c.wasReplaced() ? "replaced" : c.wasRemoved() ? "removed " + c.getRemovedSize()
                        : "added " + c.getAddedSize());
            }
        });
    }

    private List<Co> values() {
        return rows.stream().map(LiveRow::value).toList();
    }

    @Test
    void aChangedValueIsSetOnTheSameRowAndTheListSeesNothing() {
        LiveRows.update(rows, List.of(new Co(0, "runnable"), new Co(1, "waits"), new Co(2, "waits")), ID);
        LiveRow<Integer, Co> w1 = rows.get(1);
        LiveRow<Integer, Co> z2 = rows.get(2);
        Co z2Before = z2.value();
        changes.clear();
        LiveRows.update(rows, List.of(new Co(0, "runnable"), new Co(1, "holds s->lock"), new Co(2, "waits")), ID);
        assertEquals(List.of(), changes);
        assertSame(w1, rows.get(1));
        assertEquals("holds s->lock", w1.value().state());
        assertSame(z2Before, z2.value(), "an equal value is not even set again");
    }

    @Test
    void goneKeysAreRemovedAndNewOnesInsertedInPlaceNeverReplaced() {
        LiveRows.update(rows, List.of(new Co(0, "a"), new Co(1, "b"), new Co(2, "c"), new Co(3, "d")), ID);
        LiveRow<Integer, Co> three = rows.get(3);
        changes.clear();
        LiveRows.update(rows, List.of(new Co(0, "a"), new Co(3, "d2"), new Co(4, "e"), new Co(5, "f")), ID);
        assertEquals(List.of(new Co(0, "a"), new Co(3, "d2"), new Co(4, "e"), new Co(5, "f")), values());
        assertSame(three, rows.get(1));
        assertFalse(changes.contains("replaced"), changes.toString());
        assertEquals(List.of("removed 2", "added 1", "added 1"), changes);
    }

    @Test
    void aKeyThatMovesKeepsItsRow() {
        LiveRows.update(rows, List.of(new Co(0, "a"), new Co(1, "b"), new Co(2, "c")), ID);
        LiveRow<Integer, Co> zero = rows.get(0);
        LiveRows.update(rows, List.of(new Co(2, "c"), new Co(1, "b"), new Co(0, "a")), ID);
        assertEquals(List.of(2, 1, 0), rows.stream().map(LiveRow::key).toList());
        assertSame(zero, rows.get(2));
    }

    @Test
    void twoValuesWithOneKeyAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> LiveRows.update(rows, List.of(new Co(1, "a"), new Co(1, "b")), ID));
    }
}
