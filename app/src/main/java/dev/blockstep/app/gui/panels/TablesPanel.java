package dev.blockstep.app.gui.panels;

import dev.blockstep.app.gui.present.BackingPresentation;
import dev.blockstep.app.gui.present.Hex;
import dev.blockstep.app.gui.present.L2EntryPresentation;
import dev.blockstep.app.gui.session.SessionPanel;
import dev.blockstep.app.gui.session.SessionState;
import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.qcow2.format.L1Entry;
import dev.blockstep.engine.qcow2.format.L2Entry;
import dev.blockstep.engine.snapshot.Provenance;
import dev.blockstep.engine.snapshot.HostClusterRow;
import dev.blockstep.engine.snapshot.ImageView;
import dev.blockstep.engine.snapshot.L2Row;
import dev.blockstep.engine.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;

/**
 * L1 and L2 tables: guest cluster to host offset with COPIED/ZERO/allocated flags. The cells the last step
 * changed are highlighted (only those: a relink lights the host cell, a COPIED flag the flags cell), and
 * "hide unchanged" leaves only the rows it wrote; the tooltip shows the raw 64-bit value. Picking a row asks
 * provenance which step wrote it. Virtualised tables keep big images cheap.
 */
public final class TablesPanel implements SessionPanel {

    /**
     * An L2 row with how it is shown at this step.
     *
     * @param changedCells the columns whose text the last step changed
     */
    public record L2Item(L2Row row, L2EntryPresentation look, Set<Column> changedCells) {
        public boolean changed() {
            return !changedCells.isEmpty();
        }
    }

    /** The L2 columns whose value a step can change. */
    public enum Column { HOST, FLAGS, TYPE }

    /** An L1 row. */
    public record L1Item(int index, long raw, boolean changed) { }

    private final TableView<LiveRow<Integer, L1Item>> l1 = new TableView<>();
    private final TableView<LiveRow<Long, L2Item>> l2 = new TableView<>();
    private final SplitPane root;
    private final CheckBox hideUnchanged = new CheckBox("Hide unchanged");
    private final Label backing = new Label();
    private Consumer<Provenance.Value> onPick = v -> { };
    private SessionState last;

    public TablesPanel() {
        l1.setId("l1-table");
        l2.setId("l2-table");
        l1.setFixedCellSize(24);
        StyledRowsFlow.install(l1);
        l2.setFixedCellSize(24);
        StyledRowsFlow.install(l2);
        l1.setPlaceholder(new Label("L1 empty"));
        l2.setPlaceholder(new Label("No L2 entries set"));
        l1.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        l2.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        l1.getColumns().add(l1Column("L1 index", i -> Integer.toString(i.index())));
        l1.getColumns().add(l1Column("L2 table", i -> Hex.of(new L1Entry(i.raw()).l2Offset())));
        l1.getColumns().add(l1Column("Flags", i -> new L1Entry(i.raw()).copied() ? "C" : ""));

        l2.getColumns().add(l2Column("Guest", i -> Long.toString(i.row().guestCluster()), 44, null));
        l2.getColumns().add(l2Column("at", i -> Hex.of(i.row().guestCluster() * clusterSize), 64, null));
        l2.getColumns().add(l2Column("Host", i -> i.look().text(), 70, Column.HOST));
        l2.getColumns().add(l2Column("Flags", i -> i.look().flags(), 44, Column.FLAGS));
        l2.getColumns().add(l2Column("Type", i -> typeText(i.row().entry()), 80, Column.TYPE));
        l2.getSelectionModel().selectedItemProperty().addListener((o, was, item) -> {
            if (item != null) {
                onPick.accept(new Provenance.GuestL2(item.key()));
            }
        });
        hideUnchanged.setId("hide-unchanged");
        hideUnchanged.selectedProperty().addListener(o -> {
            if (last != null) {
                stepDidChange(last);
            }
        });

        BorderPane top = titled("L1 table", l1);
        BorderPane bottom = titled("L2 entries: C COPIED, Z ZERO, A allocated", l2);
        ((Label) bottom.getTop()).setMaxWidth(Double.MAX_VALUE);
        HBox header = new HBox(8, bottom.getTop(), hideUnchanged);
        HBox.setHgrow(header.getChildren().get(0), Priority.ALWAYS);
        bottom.setTop(header);
        backing.setId("backing-read-through");
        backing.setWrapText(true);
        backing.setVisible(false);
        backing.setManaged(false);
        bottom.setBottom(backing);
        root = new SplitPane(top, bottom);
        root.setOrientation(Orientation.VERTICAL);
        root.setDividerPositions(0.25);
        root.setId("tables-split");
    }

    private int clusterSize = 65536;

    private void showBacking(String text) {
        if (!text.equals(backing.getText())) {
            backing.setText(text);
            backing.setTooltip(text.isEmpty() ? null : new javafx.scene.control.Tooltip(text));
        }
        backing.setVisible(!text.isEmpty());
        backing.setManaged(!text.isEmpty());
    }

    /** The backing-file line under the L2 table, as shown (empty without a backing file). */
    public String backingText() {
        return backing.isVisible() ? backing.getText() : "";
    }

    /** Where a picked L2 entry goes (the provenance bar). */
    public void onPick(Consumer<Provenance.Value> pick) {
        this.onPick = pick;
    }

    public CheckBox hideUnchanged() {
        return hideUnchanged;
    }

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
        last = state;
        Snapshot s = state.snapshot();
        ImageView image = s.image();
        if (image == null) {
            l1.getItems().clear();
            l2.getItems().clear();
            showBacking("");
            return;
        }
        clusterSize = image.clusterSize();
        showBacking(BackingPresentation.text(image.backing()));
        // The entry before the step's first write of it and after its last: what the step changed, overall.
        Map<Long, Long> oldRaw = new HashMap<>();
        Set<Integer> changedL1 = new HashSet<>();
        if (s.lastStep() != null) {
            for (EngineEvent e : s.lastStep().events()) {
                if (e instanceof EngineEvent.L2EntryWritten w) {
                    oldRaw.putIfAbsent(w.guestCluster(), w.oldRaw());
                } else if (e instanceof EngineEvent.L1EntryWritten w) {
                    changedL1.add(w.l1Index());
                }
            }
        }
        boolean hide = hideUnchanged.isSelected();
        List<L1Item> l1Items = new ArrayList<>();
        for (int i = 0; i < image.l1().size(); i++) {
            if (!hide || changedL1.contains(i)) {
                l1Items.add(new L1Item(i, image.l1().get(i), changedL1.contains(i)));
            }
        }
        LiveRows.update(l1.getItems(), l1Items, L1Item::index);

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
            Set<Column> cells = changedCells(oldRaw.get(r.guestCluster()), r.entry());
            if (hide && cells.isEmpty()) {
                continue;
            }
            long host = r.entry().hostOffset();
            boolean allocated = r.entry().type().isAllocated();
            boolean aliased = allocated && pointers.getOrDefault(host, 0) > 1;
            int rc = allocated ? refcountByCluster.getOrDefault(host / clusterSize, -1) : -1;
            items.add(new L2Item(r, L2EntryPresentation.of(r, clusterSize, !cells.isEmpty(), aliased, rc), cells));
        }
        LiveRows.update(l2.getItems(), items, i -> i.row().guestCluster());
        l2.setPlaceholder(new Label(hide ? "The last step changed no L2 entry" : "No L2 entries set"));
    }

    /** The columns whose shown value differs between the entry before the step ({@code old}) and now. */
    static Set<Column> changedCells(Long old, L2Entry now) {
        if (old == null || old == now.raw()) {
            return Set.of();
        }
        L2Entry before = new L2Entry(old);
        EnumSet<Column> out = EnumSet.noneOf(Column.class);
        if (before.hostOffset() != now.hostOffset() || before.type() != now.type()) {
            out.add(Column.HOST);
        }
        if (before.copied() != now.copied() || before.zero() != now.zero()
                || before.type().isAllocated() != now.type().isAllocated()) {
            out.add(Column.FLAGS);
        }
        if (before.type() != now.type()) {
            out.add(Column.TYPE);
        }
        if (out.isEmpty()) {
            // Reserved bits only: no shown text moved, so light the host cell that the raw value sits under.
            out.add(Column.HOST);
        }
        return Set.copyOf(out);
    }

    private static String typeText(L2Entry e) {
        return e.type().name().toLowerCase().replace('_', '-');
    }

    /** The shown L2 items, for tests and the refcount view's links. */
    public List<L2Item> l2Items() {
        return l2.getItems().stream().map(LiveRow::value).toList();
    }

    private static BorderPane titled(String title, Node content) {
        Label l = new Label(title);
        l.getStyleClass().add("panel-subtitle");
        BorderPane p = new BorderPane(content);
        p.setTop(l);
        return p;
    }

    private static TableColumn<LiveRow<Integer, L1Item>, L1Item> l1Column(String title, Function<L1Item, String> f) {
        return LiveCell.column(title, 0, () -> new LiveCell<>(f) {
            private final Tooltip tip = new Tooltip();

            @Override
            protected void show(L1Item item) {
                if (item != null) {
                    tip.setText("L1[" + item.index() + "] raw " + Hex.raw64(item.raw()));
                }
                setTooltip(item == null ? null : tip);
                pseudoClassStateChanged(dev.blockstep.app.gui.Styles.CHANGED, item != null && item.changed());
            }
        });
    }

    private TableColumn<LiveRow<Long, L2Item>, L2Item> l2Column(String title, Function<L2Item, String> f, double width,
                                                 Column key) {
        return LiveCell.column(title, width, () -> new L2Cell(f, key));
    }

    /**
     * Applies the presentation's states to every cell of the row (aliased, freed), and :changed only to the
     * cells whose value the step changed.
     */
    private static final class L2Cell extends LiveCell<Long, L2Item> {
        private static final List<javafx.css.PseudoClass> ROW_STATES = List.of(dev.blockstep.app.gui.Styles.ALIASED,
                dev.blockstep.app.gui.Styles.FREED, dev.blockstep.app.gui.Styles.READS_ZERO);
        private final Tooltip tip = new Tooltip();
        private final Column key;

        L2Cell(Function<L2Item, String> text, Column key) {
            super(text);
            this.key = key;
        }

        @Override
        protected void show(L2Item item) {
            for (var pc : ROW_STATES) {
                pseudoClassStateChanged(pc, item != null && item.look().states().contains(pc));
            }
            pseudoClassStateChanged(dev.blockstep.app.gui.Styles.CHANGED,
                    item != null && key != null && item.changedCells().contains(key));
            pseudoClassStateChanged(dev.blockstep.app.gui.Styles.ROW_CHANGED, item != null && item.changed());
            if (item != null) {
                tip.setText(item.look().tooltip());
                setTooltip(tip);
            } else {
                setTooltip(null);
            }
        }
    }
}
