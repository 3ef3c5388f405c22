package dev.blockstep.app.gui.panels;

import javafx.scene.control.Label;

/**
 * A label that shows its text whole or not at all: given less width than its text needs it hides instead of
 * ending in "…". For help text whose words are also in a tooltip (a projector's large type left the timeline's
 * hint as "click tra…").
 */
final class WholeOrHiddenLabel extends Label {

    WholeOrHiddenLabel(String text) {
        super(text);
        setMinWidth(0);
    }

    @Override
    protected void layoutChildren() {
        super.layoutChildren();
        setVisible(getWidth() + 0.5 >= prefWidth(-1));
    }
}
