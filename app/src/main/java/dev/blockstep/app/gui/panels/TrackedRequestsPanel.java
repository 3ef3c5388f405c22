package dev.blockstep.app.gui.panels;

import dev.blockstep.app.gui.Styles;
import dev.blockstep.app.gui.present.Hex;
import dev.blockstep.app.gui.session.SessionPanel;
import dev.blockstep.app.gui.session.SessionState;
import dev.blockstep.engine.snapshot.CoroutineView;
import dev.blockstep.engine.snapshot.TrackedRequestView;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;

/** The block layer's tracked requests on the qcow2 node, with the serialising flag and who waits for whom. */
public final class TrackedRequestsPanel implements SessionPanel {

    private final TableView<LiveRow<Integer, TrackedRequestView>> table = new TableView<>();
    private final Map<Integer, String> coNames = new HashMap<>();

    public TrackedRequestsPanel() {
        table.setId("tracked-requests");
        // one line a row: a fixed height spares the flow measuring each refilled row at every step and jump
        table.setFixedCellSize(24);
        StyledRowsFlow.install(table);
        table.setPlaceholder(new Label("No tracked requests in flight"));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        var req = column("Req", r -> "#" + r.id(), 34);
        var co = column("Co", r -> coNames.getOrDefault(r.coroutineId(), "co " + r.coroutineId()), 40);
        var offset = column("Offset", r -> Hex.of(r.offset()), 60);
        var bytes = column("Bytes", r -> Hex.size(r.bytes()), 42);
        var type = column("Type", TrackedRequestView::type, 56);
        var serial = column("Serial.", r -> r.serialising() ? "yes" : "no", 46);
        var overlap = column("Overlap", r -> r.overlapBytes() == 0 ? "" :
                Hex.of(r.overlapOffset()) + "+" + Hex.size(r.overlapBytes()), 80);
        var waits = column("Waits", r -> r.waitingFor() < 0 ? "" : "#" + r.waitingFor(), 40);
        table.getColumns().addAll(List.of(req, co, offset, bytes, type, serial, overlap, waits));
        // a narrow pane keeps the request, its coroutine and type, whether it serialises and what it waits for:
        // the race and its fix; the table's menu button lists every column
        FittingColumns.install(table, List.of(new FittingColumns.Wanted<>(req, "#99"),
                new FittingColumns.Wanted<>(co, "W99"), new FittingColumns.Wanted<>(type, "DISCARD"),
                new FittingColumns.Wanted<>(serial, "yes"), new FittingColumns.Wanted<>(waits, "#99"),
                new FittingColumns.Wanted<>(offset, "0x1f0000"), new FittingColumns.Wanted<>(bytes, "128k"),
                new FittingColumns.Wanted<>(overlap, "0x10000+64k")));
        table.setTableMenuButtonVisible(true);
        table.setRowFactory(t -> new LiveTableRow<>() {
            @Override
            protected void show(TrackedRequestView r) {
                pseudoClassStateChanged(Styles.SERIALISING, r != null && r.serialising());
                pseudoClassStateChanged(Styles.WAITING, r != null && r.waitingFor() >= 0);
            }
        });
    }

    public Node node() {
        return table;
    }

    @Override
    public String panelName() {
        return "Tracked requests";
    }

    @Override
    public void stepDidChange(SessionState state) {
        coNames.clear();
        for (CoroutineView c : state.snapshot().coroutines()) {
            coNames.put(c.id(), c.name());
        }
        // no table.refresh(): it rebuilds every row's cells; a row's coroutine name never changes while it is shown
        LiveRows.update(table.getItems(), state.snapshot().trackedRequests(), TrackedRequestView::id);
    }

    private static TableColumn<LiveRow<Integer, TrackedRequestView>, TrackedRequestView> column(String title,
            Function<TrackedRequestView, String> f, double width) {
        return LiveCell.column(title, width, f);
    }
}
