package dev.blockstep.app.gui;

import dev.blockstep.app.gui.viewmodel.DebuggerViewModel;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;

/** The strip over the panels that says a view failed to redraw while stepping goes on, until dismissed. */
final class Banner {

    private Banner() {
    }

    static Node create(DebuggerViewModel vm) {
        Label text = new Label();
        text.setId("banner-text");
        text.textProperty().bind(vm.bannerProperty());
        text.setWrapText(true);
        Button close = new Button("✕");
        close.setOnAction(e -> vm.dismissBanner());
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        HBox banner = new HBox(8, text, grow, close);
        banner.setId("banner");
        banner.getStyleClass().add("banner");
        banner.visibleProperty().bind(vm.bannerProperty().isNotEmpty());
        banner.managedProperty().bind(banner.visibleProperty());
        return banner;
    }
}
