package dev.blockstep.app.gui.panels;

import javafx.scene.Node;
import javafx.scene.layout.FlowPane;

/**
 * A flow that, given less height than its rows need, shows the rows that fit whole and hides the rest (all of them
 * if need be: it asks for no minimum, so what it sits beside keeps its room). A clip instead cut the timeline's
 * legend through the middle of a row on a 1024x768 screen with the step-0 guide up.
 */
final class WholeRowsFlow extends FlowPane {

    WholeRowsFlow(double hgap, double vgap) {
        super(hgap, vgap);
    }

    @Override
    protected double computeMinHeight(double width) {
        return 0;
    }

    @Override
    protected void layoutChildren() {
        super.layoutChildren();
        double bottom = getHeight() - snappedBottomInset() + 0.5;
        for (Node n : getManagedChildren()) {
            n.setVisible(n.getLayoutY() + n.getLayoutBounds().getMaxY() <= bottom);
        }
    }
}
