package dev.blockstep.app.gui.panels;

import dev.blockstep.app.gui.Styles;
import dev.blockstep.app.gui.breakpoints.Breakpoint;
import dev.blockstep.app.gui.breakpoints.BreakpointForm;
import dev.blockstep.app.gui.breakpoints.BreakpointKind;
import dev.blockstep.app.gui.breakpoints.BreakpointSet;
import dev.blockstep.app.gui.session.DebugSession;
import dev.blockstep.app.gui.session.SessionPanel;
import dev.blockstep.app.gui.session.SessionState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javafx.collections.FXCollections;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * Breakpoints on step kinds and conditions, each with an enable checkbox and its hit count; the form below adds
 * one with the user's conditions (coroutine, request type, guest or host cluster, a BDRV_REQ_* flag set or clear). Delete or
 * Remove takes the selected one away.
 */
public final class BreakpointsPanel implements SessionPanel {

    private final DebugSession session;
    private final ListView<Breakpoint> list = new ListView<>();
    private final BorderPane root = new BorderPane();
    private Breakpoint lastHit;

    public BreakpointsPanel(DebugSession session) {
        this.session = session;
        list.setId("breakpoints");
        list.setCellFactory(l -> new BreakpointCell());
        list.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.DELETE || e.getCode() == KeyCode.BACK_SPACE) {
                removeSelected();
                e.consume();
            }
        });
        MenuButton add = new MenuButton("Add");
        add.setId("add-breakpoint");
        for (BreakpointKind kind : BreakpointKind.values()) {
            if (kind == BreakpointKind.STEP_NAME || kind == BreakpointKind.ANY_STEP) {
                continue;
            }
            MenuItem item = new MenuItem(kind.label());
            item.setId("add-breakpoint-" + kind.name().toLowerCase());
            item.setOnAction(e -> addIfNew(Breakpoint.on(kind)));
            add.getItems().add(item);
        }
        Button remove = new Button("Remove");
        remove.setId("remove-breakpoint");
        remove.setOnAction(e -> removeSelected());
        HBox bar = new HBox(6, add, remove);
        bar.getStyleClass().add("panel-toolbar");
        root.setTop(bar);
        root.setCenter(list);
        root.setBottom(form());
        refill(session.breakpoints());
    }

    public Node node() {
        return root;
    }

    @Override
    public java.util.Set<Revision> follows() {
        return java.util.EnumSet.allOf(Revision.class);
    }

    @Override
    public String panelName() {
        return "Breakpoints";
    }

    @Override
    public void stepDidChange(SessionState state) {
        lastHit = state.lastHit() == null ? null : state.lastHit().breakpoint();
        refill(state.breakpoints());
    }

    private void addIfNew(Breakpoint bp) {
        BreakpointSet set = session.breakpoints();
        if (set.breakpoints().stream().noneMatch(b -> b.samePlaceAs(bp))) {
            session.setBreakpoints(set.toggled(bp));
        }
    }

    private void removeSelected() {
        int i = list.getSelectionModel().getSelectedIndex();
        if (i >= 0 && i < session.breakpoints().breakpoints().size()) {
            session.setBreakpoints(session.breakpoints().without(i));
        }
    }

    /** The form for a breakpoint with conditions. */
    private Node form() {
        List<BreakpointKind> kinds = new ArrayList<>(Arrays.asList(BreakpointKind.values()));
        kinds.remove(BreakpointKind.STEP_NAME);
        ComboBox<BreakpointKind> kind = new ComboBox<>(FXCollections.observableArrayList(kinds));
        kind.setId("bp-form-kind");
        kind.setValue(BreakpointKind.ANY_STEP);
        kind.setConverter(new javafx.util.StringConverter<>() {
            @Override
            public String toString(BreakpointKind k) {
                return k == null ? "" : k.label();
            }

            @Override
            public BreakpointKind fromString(String s) {
                return null;
            }
        });
        TextField coroutine = field("bp-form-coroutine", "any, e.g. W1");
        List<String> types = new ArrayList<>();
        types.add("");
        types.addAll(BreakpointForm.requestTypes());
        ComboBox<String> request = new ComboBox<>(FXCollections.observableArrayList(types));
        request.setId("bp-form-request");
        request.setPromptText("any");
        TextField guest = field("bp-form-guest", "any, e.g. 0");
        TextField host = field("bp-form-host", "any, e.g. 5");
        List<dev.blockstep.app.gui.breakpoints.FlagCondition> flagChoices = new ArrayList<>();
        flagChoices.add(null);
        flagChoices.addAll(dev.blockstep.app.gui.breakpoints.FlagCondition.all());
        ComboBox<dev.blockstep.app.gui.breakpoints.FlagCondition> flags = new ComboBox<>(
                FXCollections.observableArrayList(flagChoices));
        flags.setId("bp-form-flags");
        flags.setPromptText("any flags");
        Label error = new Label();
        error.setId("bp-form-error");
        error.setWrapText(true);
        error.pseudoClassStateChanged(Styles.FAILED, true);
        Button add = new Button("Add breakpoint");
        add.setId("bp-form-add");
        add.setOnAction(e -> {
            BreakpointForm.Result r = BreakpointForm.make(kind.getValue(), coroutine.getText(), request.getValue(),
                    guest.getText(), host.getText(), flags.getValue());
            error.setText(r.ok() ? "" : r.error());
            if (r.ok()) {
                addIfNew(r.breakpoint());
            }
        });
        GridPane grid = new GridPane();
        grid.setHgap(6);
        grid.setVgap(4);
        grid.addRow(0, new Label("Stop on"), kind);
        grid.addRow(1, new Label("Coroutine"), coroutine);
        grid.addRow(2, new Label("Request"), request);
        grid.addRow(3, new Label("Guest cluster"), guest);
        grid.addRow(4, new Label("Host cluster"), host);
        grid.addRow(5, new Label("Flags"), flags);
        TitledPane pane = new TitledPane("Breakpoint with conditions", new VBox(6, grid, add, error));
        pane.setId("bp-form");
        pane.setExpanded(true);
        return pane;
    }

    private static TextField field(String id, String prompt) {
        TextField t = new TextField();
        t.setId(id);
        t.setPromptText(prompt);
        t.setPrefColumnCount(8);
        return t;
    }

    private void refill(BreakpointSet set) {
        if (!list.getItems().equals(set.breakpoints())) {
            int sel = list.getSelectionModel().getSelectedIndex();
            list.getItems().setAll(set.breakpoints());
            if (sel >= 0 && !list.getItems().isEmpty()) {
                list.getSelectionModel().select(Math.min(sel, list.getItems().size() - 1));
            }
        }
        list.refresh();
    }

    private final class BreakpointCell extends ListCell<Breakpoint> {
        private final CheckBox box = new CheckBox();
        private final Label hits = new Label();
        private final HBox row;

        BreakpointCell() {
            box.setOnAction(e -> {
                int i = getIndex();
                if (i >= 0 && i < session.breakpoints().breakpoints().size()) {
                    session.setBreakpoints(session.breakpoints().withEnabled(i, box.isSelected()));
                }
            });
            box.setWrapText(true);
            box.setMaxWidth(Double.MAX_VALUE);
            Region grow = new Region();
            HBox.setHgrow(box, Priority.ALWAYS);
            hits.getStyleClass().add("bp-hits");
            row = new HBox(6, box, grow, hits);
        }

        @Override
        protected void updateItem(Breakpoint bp, boolean empty) {
            super.updateItem(bp, empty);
            if (empty || bp == null) {
                setGraphic(null);
                setText(null);
                pseudoClassStateChanged(Styles.BREAKPOINT_HIT, false);
                return;
            }
            box.setSelected(bp.enabled());
            box.setText(bp.describe());
            box.setId("bp-" + bp.kind().name().toLowerCase() + (bp.stepName().isEmpty() ? "" : "-" + bp.stepName()));
            hits.setText(bp.hits() == 1 ? "1 hit" : bp.hits() + " hits");
            setGraphic(row);
            setText(null);
            pseudoClassStateChanged(Styles.BREAKPOINT_HIT, lastHit != null && lastHit.samePlaceAs(bp));
        }
    }
}
