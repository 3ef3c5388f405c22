package dev.blockstep.app.gui;

import dev.blockstep.app.gui.viewmodel.DebuggerViewModel;
import dev.blockstep.engine.fix.FixVariant;
import java.util.ArrayList;
import java.util.List;
import javafx.beans.binding.Bindings;
import javafx.collections.FXCollections;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ContentDisplay;
import javafx.scene.control.Label;
import javafx.scene.control.Separator;
import javafx.scene.control.Slider;
import javafx.scene.control.Tooltip;
import javafx.geometry.Orientation;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;

/**
 * Step, step a coroutine, resume, pause, step back, restart, the key-moment buttons, the fix variant picker and the
 * time-travel slider. A plain box, not a ToolBar: a ToolBar moves what does not fit into an overflow menu, which
 * took the slider and the step counter away on a small screen. Below {@link #COMPACT_BELOW} pixels the buttons
 * show their symbols only (the words stay in the tooltips), so no label is cut to "S…".
 */
final class DebuggerToolbar {

    static final double COMPACT_BELOW = 1180;
    private final HBox bar = new HBox(4);
    private final Slider slider = new Slider(0, 1, 0);
    private final List<Button> buttons = new ArrayList<>();
    private final javafx.beans.property.BooleanProperty compact = new javafx.beans.property.SimpleBooleanProperty();
    private boolean followingEngine;

    DebuggerToolbar(DebuggerViewModel vm) {
        Button step = button("step", "⤵", "Step", "Step the coroutine the policy picks (F8)", vm::step);
        step.disableProperty().bind(vm.canStep().not());
        Button stepCo = button("step-coroutine", "⇥", "Step selected",
                "Step the coroutine picked in Coroutines (F7)", vm::stepSelected);
        stepCo.disableProperty().bind(vm.canStep().not());
        Button resume = button("resume", "▶", "Resume", "Run to a breakpoint or the end (F9)", vm::resume);
        resume.disableProperty().bind(vm.canStep().not());
        Button pause = button("pause", "‖", "Pause", "Stop a running resume", vm::pause);
        pause.disableProperty().bind(vm.busyProperty().not());
        Button back = button("step-back", "⤴", "Step back", "One step back in history (Shift+F8)", vm::stepBack);
        back.disableProperty().bind(vm.canStepBack().not());
        Button restart = button("restart", "↺", "Restart", "Back to step 0 (Ctrl+F2)", vm::restart);
        restart.disableProperty().bind(vm.loadedProperty().not().or(vm.busyProperty()));
        Button previousMoment = button("previous-moment", "«", "Previous moment",
                "Back to the previous key moment: lock drop, serialising wait, free, relink, first check error"
                        + " (Shift+F6)", vm::previousKeyMoment);
        previousMoment.disableProperty().bind(vm.canStepBack().not());
        Button nextMoment = button("next-moment", "»", "Next moment",
                "On to the next key moment: lock drop, serialising wait, free, relink, first check error (F6)",
                vm::nextKeyMoment);
        nextMoment.disableProperty().bind(vm.canStep().not());

        ChoiceBox<FixVariant> fix = new ChoiceBox<>(FXCollections.observableArrayList(FixVariant.all()));
        fix.setId("fix-variant");
        fix.valueProperty().bindBidirectional(vm.fixProperty());
        fix.disableProperty().bind(vm.loadedProperty().not().or(vm.busyProperty()));
        fix.setTooltip(new Tooltip("Where BDRV_REQ_SERIALISING is added (none: qemu 7.2), for the requests that "
                + "begin from the current step on"));
        Label fixLabel = new Label("Fix:");
        fixLabel.setLabelFor(fix);
        fix.setMinWidth(Region.USE_PREF_SIZE);
        fixLabel.setMinWidth(Region.USE_PREF_SIZE);

        slider.setId("time-slider");
        slider.setMajorTickUnit(10);
        slider.setBlockIncrement(1);
        slider.setSnapToTicks(false);
        slider.setFocusTraversable(false);
        HBox.setHgrow(slider, Priority.ALWAYS);
        slider.setMinWidth(80);
        slider.setMaxWidth(Double.MAX_VALUE);
        slider.maxProperty().bind(vm.historyLengthProperty());
        slider.disableProperty().bind(vm.loadedProperty().not().or(vm.busyProperty()));
        vm.stepProperty().addListener((o, was, now) -> {
            followingEngine = true;
            try {
                slider.setValue(now.doubleValue());
            } finally {
                followingEngine = false;
            }
        });
        slider.valueProperty().addListener((o, was, now) -> {
            if (!followingEngine && !vm.isApplyingEngineState() && !slider.isValueChanging()) {
                vm.goToStep((int) Math.round(now.doubleValue()));
            }
        });
        slider.valueChangingProperty().addListener((o, was, changing) -> {
            if (!changing) {
                vm.goToStep((int) Math.round(slider.getValue()));
            }
        });
        Label where = new Label();
        where.setId("step-label");
        where.setMinWidth(Region.USE_PREF_SIZE);
        where.textProperty().bind(Bindings.createStringBinding(
                () -> "step " + vm.stepProperty().get() + " / " + vm.historyLengthProperty().get()
                        + (vm.finishedProperty().get() ? " (end)" : ""),
                vm.stepProperty(), vm.historyLengthProperty(), vm.finishedProperty()));
        bar.getChildren().addAll(step, stepCo, resume, pause, back, restart, separator(), previousMoment,
                nextMoment, separator(), fixLabel, fix, separator(), slider, where);
        bar.setId("debug-toolbar");
        bar.getStyleClass().add("debug-toolbar");
        bar.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        // the window's width, not the bar's: a box never gets narrower than its children's minimum widths
        bar.sceneProperty().addListener((o, was, scene) -> {
            if (scene != null) {
                compact.bind(scene.widthProperty().lessThan(COMPACT_BELOW));
            }
        });
        compact.addListener((o, was, on) -> compact(on));
    }

    HBox node() {
        return bar;
    }

    private void compact(boolean on) {
        for (Button b : buttons) {
            b.setContentDisplay(on ? ContentDisplay.GRAPHIC_ONLY : ContentDisplay.LEFT);
        }
    }

    private Button button(String id, String symbol, String text, String tip, Runnable action) {
        Label icon = new Label(symbol);
        icon.getStyleClass().add("toolbar-icon");
        Button b = new Button(text, icon);
        b.setId(id);
        b.setTooltip(new Tooltip(tip));
        b.setFocusTraversable(false);
        b.setMinWidth(Region.USE_PREF_SIZE);
        b.setOnAction(e -> action.run());
        buttons.add(b);
        return b;
    }

    private static Separator separator() {
        Separator s = new Separator(Orientation.VERTICAL);
        s.setMinWidth(Region.USE_PREF_SIZE);
        return s;
    }
}
