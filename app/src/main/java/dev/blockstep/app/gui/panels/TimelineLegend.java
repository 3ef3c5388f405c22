package dev.blockstep.app.gui.panels;

import javafx.scene.control.Label;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.Region;

/** The timeline's key: a swatch in each palette colour the lanes use and what it means. */
final class TimelineLegend {

    /** The palette key whose colour the swatch takes, and what it means. */
    private static final String[][] ENTRIES = {
        {"lock-held", "holds s->lock"}, {"data-io", "data I/O"}, {"wait", "waits"},
        {"lock-drop", "drops s->lock"}, {"race-window", "race window (lock drop to L2 relink)"},
        {"freed", "free (✕ inside a race window)"}, {"l2-write", "L2 write"}, {"fix", "fix flipped"},
        {"future", "known steps past the cursor"}};

    private TimelineLegend() {
    }

    /** The entries in a flow that, short of height, drops whole rows (the lanes keep their room). */
    static FlowPane create() {
        FlowPane legend = new WholeRowsFlow(10, 2);
        legend.setId("timeline-legend");
        legend.getStyleClass().add("timeline-legend");
        for (String[] item : ENTRIES) {
            Region swatch = new Region();
            swatch.getStyleClass().addAll("legend-swatch", "legend-" + item[0]);
            legend.getChildren().add(new Label(item[1], swatch));
        }
        return legend;
    }
}
