package dev.blockstep.app.gui;

import dev.blockstep.app.gui.viewmodel.DebuggerViewModel;
import java.util.List;
import javafx.animation.PauseTransition;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.util.Duration;

/** The window's bottom edge: the last status line, and, while work lasts, what runs with a progress bar and Cancel. */
final class StatusBar {

    /** How long work runs before the status bar shows it with a progress bar and Cancel. */
    static final Duration SHOW_BUSY_AFTER = Duration.millis(300);

    private StatusBar() {
    }

    static Node create(DebuggerViewModel vm) {
        Label status = new Label();
        status.setId("status");
        status.textProperty().bind(vm.statusProperty());
        Label busy = new Label();
        busy.textProperty().bind(vm.busyTextProperty().concat("  ").concat(vm.progressTextProperty()));
        ProgressBar progress = new ProgressBar(ProgressBar.INDETERMINATE_PROGRESS);
        progress.setId("progress");
        Button cancel = new Button("Cancel");
        cancel.setId("cancel");
        cancel.setOnAction(e -> vm.pause());
        BooleanProperty shown = new SimpleBooleanProperty();
        // Only work that lasts shows the bar: a step is over in milliseconds, and flashing the status bar on and
        // off (an animated bar at that) costs each step a relayout and a repaint of the window's bottom edge.
        PauseTransition later = new PauseTransition(SHOW_BUSY_AFTER);
        later.setOnFinished(e -> shown.set(vm.busyProperty().get()));
        vm.busyProperty().addListener((o, was, now) -> {
            if (now) {
                later.playFromStart();
            } else {
                later.stop();
                shown.set(false);
            }
        });
        for (Node n : List.of(busy, progress, cancel)) {
            n.visibleProperty().bind(shown);
            n.managedProperty().bind(shown);
        }
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        HBox bar = new HBox(8, status, grow, busy, progress, cancel);
        bar.getStyleClass().add("status-bar");
        return bar;
    }
}
