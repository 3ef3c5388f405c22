package dev.blockstep.app.gui.explore;

import dev.blockstep.engine.fix.FixVariant;
import java.util.function.Consumer;
import javafx.beans.binding.Bindings;
import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TextField;
import javafx.scene.control.TextFormatter;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * The Explore panel: search settings, Run and Cancel with a progress bar, the counts, and the counterexamples;
 * double-click one to open it in the debugger, or compare it fixed against unfixed.
 */
public final class ExplorePanel {
    private final ExploreViewModel vm;
    private final BorderPane root = new BorderPane();
    private final ListView<Found> list = new ListView<>();

    /**
     * @param scenarioChooser the scenario row (current workload, shipped scenarios, a file)
     * @param onRun           starts a search of the chosen scenario
     * @param onOpen          opens a counterexample in the debugger
     * @param onCompare       shows a counterexample fixed against unfixed
     */
    public ExplorePanel(ExploreViewModel vm, Node scenarioChooser, Runnable onRun, Consumer<Found> onOpen,
                        Consumer<Found> onCompare) {
        this.vm = vm;
        root.setId("explore-panel");
        root.setPadding(new Insets(10));
        root.setTop(new VBox(8, settings(scenarioChooser, onRun), progressRow(), counts()));
        list.setId("explore-counterexamples");
        list.setItems(vm.counterexamples());
        list.setPlaceholder(new Label("No counterexamples."));
        list.setCellFactory(v -> new ListCell<>() {
            @Override
            protected void updateItem(Found f, boolean empty) {
                super.updateItem(f, empty);
                setText(empty || f == null ? null : f.toString());
            }
        });
        list.setOnMouseClicked(e -> {
            Found f = list.getSelectionModel().getSelectedItem();
            if (f != null && e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2) {
                onOpen.accept(f);
            }
        });
        Button open = new Button("Open in debugger");
        open.setId("explore-open");
        open.setOnAction(e -> selected(onOpen));
        Button compare = new Button("Compare two fix variants");
        compare.setId("explore-compare");
        compare.setOnAction(e -> selected(onCompare));
        open.disableProperty().bind(list.getSelectionModel().selectedItemProperty().isNull());
        compare.disableProperty().bind(open.disableProperty());
        Label title = new Label("Counterexamples (double-click to open in the debugger at step 0)");
        title.getStyleClass().add("panel-title");
        VBox.setVgrow(list, Priority.ALWAYS);
        root.setCenter(new VBox(6, title, list, new HBox(8, open, compare)));
        BorderPane.setMargin(root.getCenter(), new Insets(10, 0, 0, 0));
    }

    public Node node() {
        return root;
    }

    public ListView<Found> list() {
        return list;
    }

    private void selected(Consumer<Found> action) {
        Found f = list.getSelectionModel().getSelectedItem();
        if (f != null) {
            action.accept(f);
        }
    }

    private Node settings(Node scenarioChooser, Runnable onRun) {
        ComboBox<ExploreMode> mode = new ComboBox<>();
        mode.setId("explore-mode");
        mode.getItems().setAll(ExploreMode.values());
        mode.valueProperty().bindBidirectional(vm.modeProperty());
        TextField runs = number("explore-runs", vm.runsProperty().get());
        runs.textProperty().addListener((o, a, b) -> vm.runsProperty().set((int) parse(b)));
        TextField seed = number("explore-seed", vm.seedProperty().get());
        seed.textProperty().addListener((o, a, b) -> vm.seedProperty().set(parse(b)));
        TextField maxStates = number("explore-max-states", vm.maxStatesProperty().get());
        maxStates.textProperty().addListener((o, a, b) -> vm.maxStatesProperty().set(parse(b)));
        var random = Bindings.createBooleanBinding(() -> vm.modeProperty().get().random(), vm.modeProperty());
        runs.disableProperty().bind(random.not());
        seed.disableProperty().bind(random.not());
        maxStates.disableProperty().bind(random);
        ChoiceBox<FixVariant> fix = new ChoiceBox<>(FXCollections.observableArrayList(FixVariant.all()));
        fix.setId("explore-fix");
        fix.valueProperty().bindBidirectional(vm.fixProperty());

        GridPane g = new GridPane();
        g.setHgap(8);
        g.setVgap(6);
        g.addRow(0, new Label("Scenario"), scenarioChooser);
        GridPane.setColumnSpan(scenarioChooser, 5);
        g.addRow(1, new Label("Search"), mode, new Label("Max states"), maxStates);
        g.addRow(2, new Label("Runs"), runs, new Label("Seed"), seed);
        g.addRow(3, new Label("Fix"), fix);
        GridPane.setColumnSpan(fix, 5);
        for (Node n : g.getChildren()) {
            if (n instanceof Label l) {
                l.setMinWidth(70);
            }
        }
        Button run = new Button("Run");
        run.setId("explore-run");
        run.setDefaultButton(true);
        run.setOnAction(e -> onRun.run());
        run.disableProperty().bind(vm.runningProperty());
        Button cancel = new Button("Cancel");
        cancel.setId("explore-cancel");
        cancel.setOnAction(e -> vm.cancel());
        cancel.disableProperty().bind(vm.runningProperty().not());
        HBox buttons = new HBox(8, run, cancel);
        g.add(buttons, 4, 3);
        return g;
    }

    private Node progressRow() {
        ProgressBar bar = new ProgressBar();
        bar.setId("explore-progress");
        bar.progressProperty().bind(vm.progressProperty());
        bar.setPrefWidth(300);
        bar.visibleProperty().bind(vm.runningProperty());
        Label text = new Label();
        text.setId("explore-progress-text");
        text.textProperty().bind(vm.progressTextProperty());
        Label status = new Label();
        status.setId("explore-status");
        status.textProperty().bind(vm.statusProperty());
        status.setWrapText(true);
        return new VBox(4, new HBox(8, bar, text), status);
    }

    private Node counts() {
        GridPane g = new GridPane();
        g.setId("explore-counts");
        g.setHgap(24);
        g.setVgap(2);
        String[][] rows = {
            {"explore-states", "States visited"}, {"explore-interleavings", "Interleavings"},
            {"explore-end-states", "Distinct end states"}, {"explore-corrupt", "Corrupt end states"},
            {"explore-drift", "End states with data drift"}, {"explore-bad", "Bad interleavings"}};
        for (int i = 0; i < rows.length; i++) {
            Label value = new Label("—");
            value.setId(rows[i][0]);
            value.getStyleClass().add("explore-count");
            int at = i;
            value.textProperty().bind(Bindings.createStringBinding(() -> count(vm.outcomeProperty().get(), at),
                    vm.outcomeProperty()));
            g.add(new Label(rows[i][1]), (i / 3) * 2, i % 3);
            g.add(value, (i / 3) * 2 + 1, i % 3);
        }
        return g;
    }

    private static String count(ExploreOutcome o, int which) {
        if (o == null) {
            return "—";
        }
        return switch (which) {
            case 0 -> o.request().mode().random() ? "— (" + o.states() + " engine steps)" : Long.toString(o.states());
            case 1 -> Long.toString(o.interleavings());
            case 2 -> Long.toString(o.endStates());
            case 3 -> Long.toString(o.corruptEndStates());
            case 4 -> Long.toString(o.driftEndStates());
            default -> Long.toString(o.badRuns());
        };
    }

    private static TextField number(String id, long initial) {
        TextField t = new TextField(Long.toString(initial));
        t.setId(id);
        t.setPrefColumnCount(9);
        t.setTextFormatter(new TextFormatter<String>(c -> c.getControlNewText().matches("\\d{0,12}") ? c : null));
        return t;
    }

    private static long parse(String s) {
        return s.isEmpty() ? 0 : Long.parseLong(s);
    }
}
