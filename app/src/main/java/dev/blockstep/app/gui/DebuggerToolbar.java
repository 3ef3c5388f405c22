package dev.blockstep.app.gui;

import dev.blockstep.app.gui.viewmodel.DebuggerViewModel;
import dev.blockstep.engine.fix.FixVariant;
import javafx.beans.binding.Bindings;
import javafx.collections.FXCollections;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.Separator;
import javafx.scene.control.Slider;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;

/** Step, step a coroutine, resume, pause, step back, restart, the fix variant picker and the time-travel slider. */
final class DebuggerToolbar {

    private final ToolBar bar = new ToolBar();
    private final Slider slider = new Slider(0, 1, 0);
    private boolean followingEngine;

    DebuggerToolbar(DebuggerViewModel vm) {
        Button step = button("step", "⤵ Step", "Step the coroutine the policy picks (F8)", vm::step);
        step.disableProperty().bind(vm.canStep().not());
        Button stepCo = button("step-coroutine", "⇥ Step selected", "Step the coroutine picked in Coroutines (F7)",
                vm::stepSelected);
        stepCo.disableProperty().bind(vm.canStep().not());
        Button resume = button("resume", "▶ Resume", "Run to a breakpoint or the end (F9)", vm::resume);
        resume.disableProperty().bind(vm.canStep().not());
        Button pause = button("pause", "‖ Pause", "Stop a running resume", vm::pause);
        pause.disableProperty().bind(vm.busyProperty().not());
        Button back = button("step-back", "⤴ Step back", "One step back in history (Shift+F8)", vm::stepBack);
        back.disableProperty().bind(vm.canStepBack().not());
        Button restart = button("restart", "↺ Restart", "Back to step 0 (Ctrl+F2)", vm::restart);
        restart.disableProperty().bind(vm.loadedProperty().not().or(vm.busyProperty()));

        ChoiceBox<FixVariant> fix = new ChoiceBox<>(FXCollections.observableArrayList(FixVariant.all()));
        fix.setId("fix-variant");
        fix.valueProperty().bindBidirectional(vm.fixProperty());
        fix.disableProperty().bind(vm.loadedProperty().not().or(vm.busyProperty()));
        fix.setTooltip(new Tooltip("Where BDRV_REQ_SERIALISING is added (none: qemu 7.2), for the requests that "
                + "begin from the current step on"));
        Label fixLabel = new Label("Fix:");
        fixLabel.setLabelFor(fix);

        slider.setId("time-slider");
        slider.setMajorTickUnit(10);
        slider.setBlockIncrement(1);
        slider.setSnapToTicks(false);
        HBox.setHgrow(slider, Priority.ALWAYS);
        slider.setMinWidth(200);
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
        where.textProperty().bind(Bindings.createStringBinding(
                () -> "step " + vm.stepProperty().get() + " / " + vm.historyLengthProperty().get()
                        + (vm.finishedProperty().get() ? " (end)" : ""),
                vm.stepProperty(), vm.historyLengthProperty(), vm.finishedProperty()));
        bar.getItems().addAll(step, stepCo, resume, pause, back, restart, new Separator(), fixLabel, fix, new Separator(),
                slider, where);
        bar.setId("debug-toolbar");
    }

    ToolBar node() {
        return bar;
    }

    private static Button button(String id, String text, String tip, Runnable action) {
        Button b = new Button(text);
        b.setId(id);
        b.setTooltip(new Tooltip(tip));
        b.setFocusTraversable(false);
        b.setOnAction(e -> action.run());
        return b;
    }
}
