package dev.blockstep.app.gui.panels;

import java.util.List;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.Region;

/**
 * The refcount map's key, one entry per label, so that a narrow pane puts the entries on more rows instead of
 * ending the line in "…" (at 1366x768 the map's pane is about 360 px wide). Rows past the first give way when the
 * map below needs their height; the tooltip keeps every entry.
 */
final class RefcountLegend {

    private static final List<String> ENTRIES =
            List.of("colour = refcount", "dashed = in-flight write", "red = freed / under-counted");

    private final WholeRowsFlow flow = new WholeRowsFlow(0, 0);

    RefcountLegend() {
        flow.setId("refcount-legend");
        flow.getStyleClass().add("refcount-legend");
        for (int i = 0; i < ENTRIES.size(); i++) {
            flow.getChildren().add(new Label(ENTRIES.get(i) + (i < ENTRIES.size() - 1 ? " ·" : "")));
        }
        Tooltip.install(flow, new Tooltip(String.join(" · ", ENTRIES)));
    }

    Node node() {
        return flow;
    }

    /**
     * Shows every row when the map, below all of them, still has {@code mapNeeds} of height, else the first row
     * only: presentation mode's large type on a 1024x768 screen put the third entry on a second row and pushed the
     * race's host cluster under a scroll bar. Decided from the height the legend and the map's viewport
     * ({@code mapShows}) share, which the choice does not change, so it does not flip back and forth.
     */
    void fit(double mapShows, double mapNeeds) {
        double shared = mapShows + flow.getHeight();
        boolean allRows = shared - flow.prefHeight(flow.getWidth()) >= mapNeeds;
        double max = allRows ? Region.USE_COMPUTED_SIZE
                : flow.snappedTopInset() + flow.snappedBottomInset() + flow.getChildren().get(0).prefHeight(-1);
        if (flow.getMaxHeight() != max) {
            flow.setMaxHeight(max);
        }
    }
}
