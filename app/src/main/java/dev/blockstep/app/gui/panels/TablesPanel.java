package dev.blockstep.app.gui.panels;

import dev.blockstep.app.gui.present.Hex;
import dev.blockstep.app.gui.present.L2EntryPresentation;
import dev.blockstep.app.gui.session.SessionPanel;
import dev.blockstep.app.gui.session.SessionState;
import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.qcow2.format.L1Entry;
import dev.blockstep.engine.snapshot.HostClusterRow;
import dev.blockstep.engine.snapshot.ImageView;
import dev.blockstep.engine.snapshot.L2Row;
import dev.blockstep.engine.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;

/**
 * L1 and L2 tables: guest cluster to host offset with COPIED/ZERO/allocated flags. Entries the last step
 * wrote are highlighted; the tooltip shows the raw 64-bit value. Virtualised tables keep big images cheap.
 */
public final class TablesPanel implements SessionPanel {

    /** An L2 row with how it is shown at this step. */
    public record L2Item(L2Row row, L2EntryPresentation look) { }

    /** An L1 row. */
    public record L1Item(int index, long raw, boolean changed) { }

    private final TableView<L1Item> l1 = new TableView<>();
    private final TableView<L2Item> l2 = new TableView<>();
    private final SplitPane root;

    public TablesPanel() {
        l1.setId("l1-table");
        l2.setId("l2-table");
        l2.setFixedCellSize(24);
        l1.setPlaceholder(new Label("L1 empty"));
        l2.setPlaceholder(new Label("No L2 entries set"));
        l1.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        l2.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        l1.getColumns().add(l1Column("L1 index", i -> Integer.toString(i.index())));
        l1.getColumns().add(l1Column("L2 table", i -> Hex.of(new L1Entry(i.raw()).l2Offset())));
        l1.getColumns().add(l1Column("Flags", i -> new L1Entry(i.raw()).copied() ? "C" : ""));

        l2.getColumns().add(l2Column("Guest", i -> Long.toString(i.row().guestCluster()), 44));
        l2.getColumns().add(l2Column("at", i -> Hex.of(i.row().guestCluster() * clusterSize), 64));
        l2.getColumns().add(l2Column("Host", i -> i.look().text(), 70));
        l2.getColumns().add(l2Column("Flags", i -> i.look().flags(), 44));
        l2.getColumns().add(l2Column("Type", i -> i.row().entry().type().name().toLowerCase().replace('_', '-'), 80));

        BorderPane top = titled("L1 table", l1);
        BorderPane bottom = titled("L2 entries: C COPIED, Z ZERO, A allocated", l2);
        root = new SplitPane(top, bottom);
        root.setOrientation(Orientation.VERTICAL);
        root.setDividerPositions(0.25);
        root.setId("tables-split");
    }

    private int clusterSize = 65536;

    public Node node() {
        return root;
    }

    public SplitPane split() {
        return root;
    }

    @Override
    public String panelName() {
        return "L1/L2 tables";
    }

    @Override
    public void stepDidChange(SessionState state) {
        Snapshot s = state.snapshot();
        ImageView image = s.image();
        if (image == null) {
            l1.getItems().clear();
            l2.getItems().clear();
            return;
        }
        clusterSize = image.clusterSize();
        Set<Long> changedGuest = new HashSet<>();
        Set<Integer> changedL1 = new HashSet<>();
        if (s.lastStep() != null) {
            for (EngineEvent e : s.lastStep().events()) {
                if (e instanceof EngineEvent.L2EntryWritten w) {
                    changedGuest.add(w.guestCluster());
                } else if (e instanceof EngineEvent.L1EntryWritten w) {
                    changedL1.add(w.l1Index());
                }
            }
        }
        List<L1Item> l1Items = new ArrayList<>();
        for (int i = 0; i < image.l1().size(); i++) {
            l1Items.add(new L1Item(i, image.l1().get(i), changedL1.contains(i)));
        }
        ListUpdates.replaceChanged(l1.getItems(), l1Items);

        Map<Long, Integer> refcountByCluster = new HashMap<>();
        for (HostClusterRow r : image.hostClusters()) {
            refcountByCluster.put(r.hostCluster(), r.refcount());
        }
        Map<Long, Integer> pointers = new HashMap<>();
        for (L2Row r : image.l2()) {
            if (r.entry().type().isAllocated()) {
                pointers.merge(r.entry().hostOffset(), 1, Integer::sum);
            }
        }
        List<L2Item> items = new ArrayList<>(image.l2().size());
        for (L2Row r : image.l2()) {
            long host = r.entry().hostOffset();
            boolean allocated = r.entry().type().isAllocated();
            boolean aliased = allocated && pointers.getOrDefault(host, 0) > 1;
            int rc = allocated ? refcountByCluster.getOrDefault(host / clusterSize, -1) : -1;
            items.add(new L2Item(r, L2EntryPresentation.of(r, clusterSize, changedGuest.contains(r.guestCluster()),
                    aliased, rc)));
        }
        ListUpdates.replaceChanged(l2.getItems(), items);
    }

    /** The shown L2 items, for tests and the refcount view's links. */
    public List<L2Item> l2Items() {
        return List.copyOf(l2.getItems());
    }

    private static BorderPane titled(String title, Node content) {
        Label l = new Label(title);
        l.getStyleClass().add("panel-subtitle");
        BorderPane p = new BorderPane(content);
        p.setTop(l);
        return p;
    }

    private static TableColumn<L1Item, String> l1Column(String title, Function<L1Item, String> f) {
        TableColumn<L1Item, String> col = new TableColumn<>(title);
        col.setSortable(false);
        col.setCellValueFactory(cd -> new ReadOnlyObjectWrapper<>(f.apply(cd.getValue())));
        col.setCellFactory(c -> new TableCell<>() {
            private final Tooltip tip = new Tooltip();

            @Override
            protected void updateItem(String text, boolean empty) {
                super.updateItem(text, empty);
                L1Item item = empty ? null : getTableRow() == null ? null : getTableRow().getItem();
                setText(empty ? null : text);
                if (item != null) {
                    tip.setText("L1[" + item.index() + "] raw " + Hex.raw64(item.raw()));
                }
                setTooltip(item == null ? null : tip);
                pseudoClassStateChanged(dev.blockstep.app.gui.Styles.CHANGED, item != null && item.changed());
            }
        });
        return col;
    }

    private TableColumn<L2Item, String> l2Column(String title, Function<L2Item, String> f, double width) {
        TableColumn<L2Item, String> col = new TableColumn<>(title);
        col.setPrefWidth(width);
        col.setSortable(false);
        col.setCellValueFactory(cd -> new ReadOnlyObjectWrapper<>(f.apply(cd.getValue())));
        col.setCellFactory(c -> new L2Cell());
        return col;
    }

    /** Applies the presentation's states to every cell of the row, so the whole entry lights up. */
    private static final class L2Cell extends TableCell<L2Item, String> {
        private final Tooltip tip = new Tooltip();
        private String typeClass;

        @Override
        protected void updateItem(String text, boolean empty) {
            super.updateItem(text, empty);
            L2Item item = empty || getTableRow() == null ? null : getTableRow().getItem();
            setText(empty ? null : text);
            if (typeClass != null) {
                getStyleClass().remove(typeClass);
                typeClass = null;
            }
            for (var pc : List.of(dev.blockstep.app.gui.Styles.CHANGED, dev.blockstep.app.gui.Styles.ALIASED,
                    dev.blockstep.app.gui.Styles.FREED)) {
                pseudoClassStateChanged(pc, item != null && item.look().states().contains(pc));
            }
            if (item != null) {
                typeClass = item.look().typeClass();
                getStyleClass().add(typeClass);
                tip.setText(item.look().tooltip());
                setTooltip(tip);
            } else {
                setTooltip(null);
            }
        }
    }
}
