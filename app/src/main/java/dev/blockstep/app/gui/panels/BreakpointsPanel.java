package dev.blockstep.app.gui.panels;

import dev.blockstep.app.gui.Styles;
import dev.blockstep.app.gui.breakpoints.Breakpoint;
import dev.blockstep.app.gui.breakpoints.BreakpointKind;
import dev.blockstep.app.gui.breakpoints.BreakpointSet;
import dev.blockstep.app.gui.session.DebugSession;
import dev.blockstep.app.gui.session.SessionPanel;
import dev.blockstep.app.gui.session.SessionState;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;

/** Breakpoints on step kinds and conditions, each with an enable checkbox. */
public final class BreakpointsPanel implements SessionPanel {

    private final DebugSession session;
    private final ListView<Breakpoint> list = new ListView<>();
    private final BorderPane root = new BorderPane();
    private Breakpoint lastHit;

    public BreakpointsPanel(DebugSession session) {
        this.session = session;
        list.setId("breakpoints");
        list.setCellFactory(l -> new BreakpointCell());
        MenuButton add = new MenuButton("Add");
        add.setId("add-breakpoint");
        for (BreakpointKind kind : BreakpointKind.values()) {
            if (kind == BreakpointKind.STEP_NAME) {
                continue;
            }
            MenuItem item = new MenuItem(kind.label());
            item.setId("add-breakpoint-" + kind.name().toLowerCase());
            item.setOnAction(e -> {
                BreakpointSet set = session.breakpoints();
                if (set.breakpoints().stream().noneMatch(b -> b.samePlaceAs(Breakpoint.on(kind)))) {
                    session.setBreakpoints(set.toggled(Breakpoint.on(kind)));
                }
            });
            add.getItems().add(item);
        }
        Button remove = new Button("Remove");
        remove.setId("remove-breakpoint");
        remove.setOnAction(e -> {
            int i = list.getSelectionModel().getSelectedIndex();
            if (i >= 0) {
                session.setBreakpoints(session.breakpoints().without(i));
            }
        });
        HBox bar = new HBox(6, add, remove);
        bar.getStyleClass().add("panel-toolbar");
        root.setTop(bar);
        root.setCenter(list);
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

    private void refill(BreakpointSet set) {
        if (!list.getItems().equals(set.breakpoints())) {
            list.getItems().setAll(set.breakpoints());
        }
        list.refresh();
    }

    private final class BreakpointCell extends ListCell<Breakpoint> {
        private final CheckBox box = new CheckBox();

        BreakpointCell() {
            box.setOnAction(e -> {
                int i = getIndex();
                if (i >= 0 && i < session.breakpoints().breakpoints().size()) {
                    session.setBreakpoints(session.breakpoints().withEnabled(i, box.isSelected()));
                }
            });
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
            setGraphic(box);
            setText(null);
            pseudoClassStateChanged(Styles.BREAKPOINT_HIT, lastHit != null && lastHit.samePlaceAs(bp));
        }
    }
}
