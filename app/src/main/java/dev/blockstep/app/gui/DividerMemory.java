package dev.blockstep.app.gui;

import java.util.prefs.Preferences;
import javafx.scene.control.SplitPane;

/** Remembers split-pane divider positions across runs, keyed by the split pane's id. */
public final class DividerMemory {
    private final Preferences prefs;

    public DividerMemory(Preferences prefs) {
        this.prefs = prefs;
    }

    public void remember(SplitPane split) {
        String id = split.getId();
        if (id == null) {
            throw new IllegalArgumentException("a remembered split pane needs an id");
        }
        for (int i = 0; i < split.getDividers().size(); i++) {
            SplitPane.Divider d = split.getDividers().get(i);
            double saved = prefs.getDouble(key(id, i), -1);
            if (saved > 0 && saved < 1) {
                d.setPosition(saved);
            }
            int index = i;
            d.positionProperty().addListener((o, was, now) -> prefs.putDouble(key(id, index), now.doubleValue()));
        }
    }

    private static String key(String id, int i) {
        return "divider." + id + "." + i;
    }
}
