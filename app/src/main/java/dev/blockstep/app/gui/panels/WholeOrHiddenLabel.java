package dev.blockstep.app.gui.panels;

import javafx.scene.control.Label;

/**
 * A label that shows its text whole or not at all: given less room than its text needs it hides instead of
 * ending in "…". On one line, less width (a projector's large type left the timeline's hint as "click tra…");
 * wrapped, less height than its lines take at its width (a 1024x768 screen left the s->lock panel's last line as
 * "last step: W1 released s->lock and …"). It asks for no minimum, so what it sits beside keeps its room.
 */
final class WholeOrHiddenLabel extends Label {

    WholeOrHiddenLabel(String text) {
        super(text);
        setMinWidth(0);
    }

    /** A label whose text wraps at its width, hidden when its height cannot take every line. */
    static WholeOrHiddenLabel wrapping(String text) {
        WholeOrHiddenLabel l = new WholeOrHiddenLabel(text);
        l.setWrapText(true);
        l.setMinHeight(0);
        return l;
    }

    @Override
    protected void layoutChildren() {
        super.layoutChildren();
        setVisible(isWrapText() ? getHeight() + 0.5 >= prefHeight(getWidth()) : getWidth() + 0.5 >= prefWidth(-1));
    }
}
