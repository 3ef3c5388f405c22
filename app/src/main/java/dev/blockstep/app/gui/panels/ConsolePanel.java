package dev.blockstep.app.gui.panels;

import dev.blockstep.app.gui.Styles;
import dev.blockstep.app.gui.session.SessionPanel;
import dev.blockstep.app.gui.session.SessionState;
import dev.blockstep.app.gui.viewmodel.ConsoleLine;
import dev.blockstep.app.gui.viewmodel.ConsoleModel;
import dev.blockstep.engine.snapshot.CoroutineView;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javafx.scene.Node;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;

/** The narration of every step and the engine's stderr (e.g. "qcow2_free_clusters failed: Invalid argument"). */
public final class ConsolePanel implements SessionPanel {

    private final ConsoleModel model = new ConsoleModel();
    private final ListView<ConsoleLine> list = new ListView<>();

    public ConsolePanel() {
        list.setId("console");
        list.getStyleClass().add("console");
        // A fixed height lets the virtual flow skip measuring cells: the console holds 10^5 lines.
        list.setFixedCellSize(22);
        list.setCellFactory(l -> new ListCell<>() {
            @Override
            protected void updateItem(ConsoleLine line, boolean empty) {
                super.updateItem(line, empty);
                setText(empty || line == null ? null : line.text());
                pseudoClassStateChanged(Styles.FAILED, !empty && line != null && line.stderr());
            }
        });
    }

    public Node node() {
        return list;
    }

    /** Lines shown, for tests. */
    public List<ConsoleLine> lines() {
        return model.lines();
    }

    @Override
    public String panelName() {
        return "Console";
    }

    @Override
    public void stepDidChange(SessionState state) {
        Map<Integer, String> names = new HashMap<>();
        for (CoroutineView c : state.snapshot().coroutines()) {
            names.put(c.id(), c.name());
        }
        int before = list.getItems().size();
        boolean removed = model.follow(state.steps(), names);
        List<ConsoleLine> lines = model.lines();
        if (removed || before > lines.size()) {
            list.getItems().setAll(lines);
        } else if (lines.size() > before) {
            list.getItems().addAll(lines.subList(before, lines.size()));
        }
        if (!lines.isEmpty()) {
            list.scrollTo(lines.size() - 1);
        }
    }
}
