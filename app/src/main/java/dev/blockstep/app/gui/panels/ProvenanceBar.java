package dev.blockstep.app.gui.panels;

import dev.blockstep.app.gui.session.SessionPanel;
import dev.blockstep.app.gui.session.SessionState;
import dev.blockstep.app.gui.viewmodel.ProvenanceModel;
import dev.blockstep.engine.snapshot.Provenance;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;

/**
 * One line under the state panels: which step last wrote the picked L2 entry, refcount or host cluster, a
 * button that travels there and one that reverse-continues to the write before. For a host cluster a toggle
 * switches between its refcount and its bytes.
 */
public final class ProvenanceBar implements SessionPanel {

    private final ProvenanceModel model;
    private final HBox root;

    public ProvenanceBar(ProvenanceModel model) {
        this.model = model;
        Label text = new Label();
        text.setId("provenance-text");
        text.textProperty().bind(model.textProperty());
        // a long answer wraps rather than ending in "…" (a projector's 17 px type has half the room)
        text.setMinWidth(0);
        text.setWrapText(true);
        HBox.setHgrow(text, Priority.ALWAYS);
        text.setMaxWidth(Double.MAX_VALUE);
        Button go = new Button();
        go.setId("provenance-go");
        go.textProperty().bind(model.lastWriteStepProperty().asString("Go to step %d"));
        go.visibleProperty().bind(model.lastWriteStepProperty().greaterThan(0));
        go.managedProperty().bind(go.visibleProperty());
        go.setOnAction(e -> model.goToLastWrite());
        Button reverse = new Button("◀ Previous write");
        reverse.setId("provenance-reverse");
        reverse.setTooltip(new Tooltip("Reverse-continue: back to the write before the current position"));
        reverse.disableProperty().bind(model.previousWriteStepProperty().lessThan(1));
        reverse.setOnAction(e -> model.reverseContinue());
        ToggleButton bytes = new ToggleButton("bytes");
        bytes.setId("provenance-bytes");
        bytes.visibleProperty().bind(model.selectedProperty().map(v -> v instanceof Provenance.HostRefcount
                || v instanceof Provenance.HostBytes).orElse(false));
        bytes.managedProperty().bind(bytes.visibleProperty());
        model.selectedProperty().addListener((o, was, v) -> bytes.setSelected(v instanceof Provenance.HostBytes));
        bytes.setOnAction(e -> {
            if (model.selectedProperty().get() instanceof Provenance.HostRefcount r && bytes.isSelected()) {
                model.select(new Provenance.HostBytes(r.hostCluster()));
            } else if (model.selectedProperty().get() instanceof Provenance.HostBytes b && !bytes.isSelected()) {
                model.select(new Provenance.HostRefcount(b.hostCluster()));
            }
        });
        Label title = new Label("Provenance");
        title.getStyleClass().add("panel-subtitle");
        for (javafx.scene.control.Control c : java.util.List.of(title, bytes, go, reverse)) {
            c.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        }
        root = new HBox(8, title, text, bytes, go, reverse);
        root.setId("provenance-bar");
        root.getStyleClass().add("provenance-bar");
    }

    public Node node() {
        return root;
    }

    public ProvenanceModel model() {
        return model;
    }

    @Override
    public String panelName() {
        return "Provenance";
    }

    @Override
    public void stepDidChange(SessionState state) {
        model.stateChanged(state);
    }
}
