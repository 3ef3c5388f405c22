package dev.blockstep.app.gui.panels;

import java.util.Map;
import java.util.WeakHashMap;
import javafx.scene.control.IndexedCell;
import javafx.scene.control.TableView;
import javafx.scene.control.skin.TableViewSkin;
import javafx.scene.control.skin.VirtualFlow;

/**
 * A table's flow that does not restyle a row it puts back where it was, showing the same item.
 *
 * <p>Why: whenever a row's text changes, the toolkit's flow lays all its rows out again and, for each row that
 * needs a layout, re-applies CSS to the row and every cell in it (its {@code setCellIndex}). A jump changes the
 * text of nearly every visible row, and that CSS was most of a jump's time. A {@link LiveRow} keeps its object
 * while its key is shown and a step changes only its value, whose restyling (pseudo-classes) the pulse's CSS pass
 * has already done by the time the flow lays out. So a row placed at the index it had, with the same item, has
 * current styles; only a row given another index or item, or a new one, is styled here as the toolkit does.
 * A change of the row count makes the toolkit reset every row (index -1, then its index again): the round trip
 * leaves the same pseudo-classes, and any flag it left dirty is handled by the next CSS pass.
 */
final class StyledRowsFlow<T extends IndexedCell<?>> extends VirtualFlow<T> {

    private record Shown(int index, Object item) {
    }

    private final Map<T, Shown> shown = new WeakHashMap<>();

    @Override
    protected void setCellIndex(T cell, int index) {
        Shown before = shown.get(cell);
        cell.updateIndex(index);
        if (before == null || before.index() != index || before.item() != cell.getItem()) {
            super.setCellIndex(cell, index);
        }
        shown.put(cell, new Shown(index, cell.getItem()));
    }

    /** Gives {@code table} this flow. */
    static <S> void install(TableView<S> table) {
        table.setSkin(new TableViewSkin<>(table) {
            @Override
            protected VirtualFlow<javafx.scene.control.TableRow<S>> createVirtualFlow() {
                return new StyledRowsFlow<>();
            }
        });
    }
}
