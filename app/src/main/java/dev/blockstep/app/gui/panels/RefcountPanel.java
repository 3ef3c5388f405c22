package dev.blockstep.app.gui.panels;

import dev.blockstep.app.gui.present.Hex;
import dev.blockstep.app.gui.present.HostClusterPresentation;
import dev.blockstep.app.gui.session.SessionPanel;
import dev.blockstep.app.gui.session.SessionState;
import dev.blockstep.app.gui.Styles;
import dev.blockstep.app.gui.panels.RefcountCells.Cell;
import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.snapshot.HostClusterRow;
import dev.blockstep.engine.snapshot.ImageView;
import dev.blockstep.engine.snapshot.L2Row;
import dev.blockstep.engine.snapshot.Provenance;
import dev.blockstep.engine.snapshot.Snapshot;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import javafx.geometry.Orientation;
import javafx.geometry.VPos;
import javafx.scene.Node;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.StackPane;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;

/**
 * Host clusters coloured by refcount, with the L2 entries that point at them on the left and a line from
 * each entry to its cluster. Aliased, under-counted and freed-but-referenced clusters are flagged in the map
 * and listed below it in qemu-img check's words.
 */
public final class RefcountPanel implements SessionPanel {

    static final double ROW = 20;
    static final double GUEST_W = 150;
    static final double GAP = 70;
    /** The least room for the guest -> host lines, taken when one more column lets every host cluster show. */
    static final double MIN_GAP = 24;
    static final double CELL_W = 64;
    static final double CELL_H = 36;
    /** Keeps the canvas below the software pipeline's texture limit on huge images. */
    static final int MAX_ITEMS = 600;

    private final Canvas canvas = new Canvas(600, 300);
    private final ScrollPane scroll;
    private final ListView<String> flags = new ListView<>();
    private final CanvasPalette palette = new CanvasPalette("rc-0", "rc-1", "rc-many", "free", "meta", "aliased", "held",
            "under-counted", "changed", "link", "link-bad", "text", "background");
    private final Tooltip tip = new Tooltip();
    private final RefcountLegend legend = new RefcountLegend();
    private final SplitPane root;
    private Consumer<Provenance.Value> onPick = v -> { };
    private List<Cell> cells = List.of();
    private List<HostClusterRow> hosts = List.of();
    private List<L2Row> guests = List.of();
    private Set<Long> changedHosts = Set.of();
    private int clusterSize = 65536;
    private int columns = 8;
    /** Between the guest labels and the first host column: {@link #GAP}, or less in a short map. */
    private double gap = GAP;
    /** What the canvas last drew; a step that changes none of it does not repaint the map. */
    private List<Object> drawn = List.of();

    public RefcountPanel() {
        canvas.setId("refcount-map");
        flags.setId("refcount-flags");
        // wrapped, or hidden when the list is too short for its lines: a narrow pane cut it to "every cluster's refcoun…"
        flags.setPlaceholder(WholeOrHiddenLabel.wrapping(
                "No refcount problems: every cluster's refcount matches its references"));
        flags.setCellFactory(l -> new ListCell<>() {
            @Override
            protected void updateItem(String s, boolean empty) {
                super.updateItem(s, empty);
                setText(empty ? null : s);
                setWrapText(true);
                setPrefWidth(0);
                pseudoClassStateChanged(Styles.FAILED, !empty && s != null
                        && (s.startsWith("ERROR") || s.startsWith("FREED")));
            }
        });
        StackPane holder = new StackPane(canvas, palette);
        palette.onChange(this::redraw);
        holder.getStyleClass().add("canvas-holder");
        scroll = new ScrollPane(holder);
        scroll.setFitToWidth(true);
        scroll.viewportBoundsProperty().addListener((o, a, b) -> {
            // no wider than the pane unless one host column would not fit: a needless scroll bar takes a row
            canvas.setWidth(Math.max(GUEST_W + MIN_GAP + CELL_W + 10, b.getWidth()));
            redraw();
        });
        Tooltip.install(canvas, tip);
        canvas.setOnMouseMoved(e -> tip.setText(tooltipAt(e.getX(), e.getY())));
        canvas.setOnMouseClicked(e -> {
            Provenance.Value v = valueAt(e.getX(), e.getY());
            if (v != null) {
                onPick.accept(v);
            }
        });
        BorderPane top = new BorderPane(scroll);
        top.setTop(legend.node());
        Label flagsTitle = new Label("Flagged clusters");
        flagsTitle.getStyleClass().add("panel-subtitle");
        BorderPane bottom = new BorderPane(flags);
        bottom.setTop(flagsTitle);
        root = new SplitPane(top, bottom);
        root.setOrientation(Orientation.VERTICAL);
        root.setDividerPositions(0.72);
        root.setId("refcount-split");
    }

    public Node node() {
        return root;
    }

    public SplitPane split() {
        return root;
    }

    /** Where a clicked host cluster (its refcount) or guest entry goes: the provenance bar. */
    public void onPick(Consumer<Provenance.Value> pick) {
        this.onPick = pick;
    }

    /** What the map shows at a point: a host cluster's refcount, a guest cluster's L2 entry, or null. */
    public Provenance.Value valueAt(double x, double y) {
        if (x >= GUEST_W + gap) {
            int col = (int) ((x - GUEST_W - gap) / CELL_W);
            int i = (int) ((y - 10) / CELL_H) * columns + col;
            if (col < columns && y >= 10 && i < Math.min(cells.size(), MAX_ITEMS)) {
                return new Provenance.HostRefcount(cells.get(i).cluster());
            }
        } else if (x < GUEST_W) {
            int i = (int) ((y - 10) / ROW);
            if (y >= 10 && i < Math.min(guests.size(), MAX_ITEMS)) {
                return new Provenance.GuestL2(guests.get(i).guestCluster());
            }
        }
        return null;
    }

    /** Where the map draws host cluster {@code cluster}'s cell (its centre), or null when not shown. */
    public javafx.geometry.Point2D hostCellCentre(long cluster) {
        for (int i = 0; i < Math.min(cells.size(), MAX_ITEMS); i++) {
            if (cells.get(i).cluster() == cluster) {
                return new javafx.geometry.Point2D(hostX(i) + CELL_W / 2, hostY(i) + CELL_H / 2);
            }
        }
        return null;
    }

    public Canvas canvas() {
        return canvas;
    }

    /** The lines shown under the map, for tests. */
    /** Where host cluster {@code cluster} is drawn, in scene coordinates (for tests of what a screen shows). */
    public java.util.Optional<javafx.geometry.Bounds> hostCellInScene(long cluster) {
        for (int i = 0; i < Math.min(cells.size(), MAX_ITEMS); i++) {
            if (cells.get(i).cluster() == cluster) {
                return java.util.Optional.of(canvas.localToScene(
                        new javafx.geometry.BoundingBox(hostX(i), hostY(i), CELL_W, CELL_H)));
            }
        }
        return java.util.Optional.empty();
    }

    /** The part of the map the scroll pane shows (its viewport, without the scroll bars), in scene coordinates. */
    public javafx.geometry.Bounds visibleMapInScene() {
        Node viewport = scroll.lookup(".viewport");
        return viewport == null ? scroll.localToScene(scroll.getLayoutBounds())
                : viewport.localToScene(viewport.getLayoutBounds());
    }

    public List<String> flaggedLines() {
        return List.copyOf(flags.getItems());
    }

    @Override
    public String panelName() {
        return "Refcounts";
    }

    @Override
    public void stepDidChange(SessionState state) {
        Snapshot s = state.snapshot();
        ImageView image = s.image();
        if (image == null) {
            hosts = List.of();
            cells = List.of();
            guests = List.of();
            flags.getItems().clear();
            redraw();
            return;
        }
        clusterSize = image.clusterSize();
        hosts = image.hostClusters();
        guests = image.l2().stream().filter(r -> r.entry().type().isAllocated()).toList();
        Set<Long> changed = new HashSet<>();
        if (s.lastStep() != null) {
            for (EngineEvent e : s.lastStep().events()) {
                if (e instanceof EngineEvent.RefcountChanged r) {
                    changed.add(r.hostCluster());
                }
            }
        }
        changedHosts = changed;
        cells = RefcountCells.cells(hosts, RefcountCells.inFlight(s, clusterSize));
        ListUpdates.replaceChanged(flags.getItems(), RefcountCells.flagLines(hosts, cells));
        List<Object> key = List.of(cells, guests, changedHosts, clusterSize);
        if (!key.equals(drawn)) {
            drawn = key;
            redraw();
        }
    }

    private static int columnsWith(double width, double gap) {
        return Math.max(1, (int) ((width - GUEST_W - gap - 10) / CELL_W));
    }

    private void redraw() {
        double w = canvas.getWidth();
        int nHosts = Math.min(cells.size(), MAX_ITEMS);
        int nGuests = Math.min(guests.size(), MAX_ITEMS);
        double shown = scroll.getViewportBounds().getHeight();
        // a short map (a projector with the step-0 guide up) narrows the gap before the hosts if one more column
        // then shows them all: at 1024x768 the race's host cluster 5 was in a third row, below the map's edge
        columns = columnsWith(w, GAP);
        gap = GAP;
        if (10 + Math.ceil(nHosts / (double) columns) * CELL_H > shown && columnsWith(w, MIN_GAP) > columns) {
            columns = columnsWith(w, MIN_GAP);
            gap = Math.max(MIN_GAP, Math.min(GAP, w - GUEST_W - 10 - columns * CELL_W));
        }
        // the height the canvas rule below takes without a scroll bar, at the most columns the map can have
        legend.fit(shown, Math.ceil(nHosts / (double) columnsWith(w, MIN_GAP)) * CELL_H + 30);
        double hostRows = Math.ceil(nHosts / (double) columns);
        double needed = Math.max(nGuests * ROW, hostRows * CELL_H);
        // no taller than what it draws when that fits: a needless scroll bar takes a column's width
        canvas.setHeight(needed + 30 <= shown ? shown : Math.max(200, needed + 30));
        GraphicsContext g = canvas.getGraphicsContext2D();
        g.setFill(palette.color("background"));
        g.fillRect(0, 0, w, canvas.getHeight());
        g.setFont(Font.font("DejaVu Sans Mono", 11));
        g.setTextBaseline(VPos.CENTER);
        Map<Long, Integer> hostIndex = new HashMap<>();
        for (int i = 0; i < nHosts; i++) {
            hostIndex.put(cells.get(i).cluster(), i);
        }
        for (int i = 0; i < nHosts; i++) {
            drawHost(g, i, cells.get(i));
        }
        for (int i = 0; i < nGuests; i++) {
            L2Row r = guests.get(i);
            double y = 10 + i * ROW;
            g.setFill(palette.color("text"));
            g.setTextAlign(TextAlignment.LEFT);
            g.fillText("guest " + r.guestCluster() + " → " + Hex.of(r.entry().hostOffset()), 4, y + ROW / 2);
            Integer hi = hostIndex.get(r.entry().hostOffset() / clusterSize);
            if (hi != null) {
                HostClusterRow h = cells.get(hi).row();
                boolean bad = h == null || h.aliased() || h.underCounted() || h.refcount() == 0;
                g.setStroke(palette.color(bad ? "link-bad" : "link"));
                g.setLineWidth(bad ? 2.5 : 1);
                g.strokeLine(GUEST_W, y + ROW / 2, hostX(hi), hostY(hi) + CELL_H / 2);
            }
        }
        if (cells.size() > nHosts || guests.size() > nGuests) {
            g.setFill(palette.color("text"));
            g.fillText("… only the first " + MAX_ITEMS + " shown", 4, canvas.getHeight() - 10);
        }
    }

    private void drawHost(GraphicsContext g, int i, Cell c) {
        double x = hostX(i);
        double y = hostY(i);
        HostClusterRow h = c.row();
        String fill;
        if (h == null) {
            fill = "free";
        } else if (!"data".equals(h.role()) && !"free".equals(h.role()) && !h.underCounted() && !h.leaked()) {
            fill = "meta";
        } else {
            fill = h.refcount() >= 2 ? "rc-many" : "rc-" + Math.max(0, h.refcount());
        }
        g.setFill(palette.color(fill));
        g.fillRect(x + 2, y + 2, CELL_W - 4, CELL_H - 4);
        if (c.heldBy() != null) {
            g.setStroke(palette.color(c.freedUnderWriter() ? "under-counted" : "held"));
            g.setLineWidth(2);
            g.setLineDashes(4, 3);
            g.strokeRect(x + 3, y + 3, CELL_W - 6, CELL_H - 6);
            g.setLineDashes();
        } else if (h != null && (h.underCounted() || h.aliased())) {
            g.setStroke(palette.color(h.underCounted() ? "under-counted" : "aliased"));
            g.setLineWidth(3);
            g.strokeRect(x + 3, y + 3, CELL_W - 6, CELL_H - 6);
        } else if (changedHosts.contains(c.cluster())) {
            g.setStroke(palette.color("changed"));
            g.setLineWidth(2);
            g.strokeRect(x + 2, y + 2, CELL_W - 4, CELL_H - 4);
        }
        g.setFill(palette.color("text"));
        g.setTextAlign(TextAlignment.CENTER);
        g.fillText("#" + c.cluster(), x + CELL_W / 2, y + CELL_H / 2 - 7);
        String second = h == null ? "free" : h.refcount() + "/" + h.references() + (h.underCounted() ? "!" : "");
        if (c.heldBy() != null) {
            second = second + " " + c.heldBy();
        }
        g.fillText(second, x + CELL_W / 2, y + CELL_H / 2 + 8);
    }

    private double hostX(int i) {
        return GUEST_W + gap + (i % columns) * CELL_W;
    }

    private double hostY(int i) {
        return 10 + (i / columns) * CELL_H;
    }

    private String tooltipAt(double x, double y) {
        if (x >= GUEST_W + gap) {
            int col = (int) ((x - GUEST_W - gap) / CELL_W);
            int row = (int) ((y - 10) / CELL_H);
            int i = row * columns + col;
            if (col < columns && i >= 0 && i < Math.min(cells.size(), MAX_ITEMS)) {
                Cell c = cells.get(i);
                String held = c.held() == null ? "" : "\nheld by " + c.held().describe()
                        + (c.freedUnderWriter() ? ", but FREED: its refcount is 0" : "");
                return c.row() == null ? "host cluster " + c.cluster() + ": free" + held
                        : HostClusterPresentation.of(c.row(), clusterSize, changedHosts.contains(c.cluster())).tooltip()
                        + held;
            }
        } else if (x < GUEST_W) {
            int i = (int) ((y - 10) / ROW);
            if (i >= 0 && i < Math.min(guests.size(), MAX_ITEMS)) {
                L2Row r = guests.get(i);
                return "guest cluster " + r.guestCluster() + " → host " + Hex.of(r.entry().hostOffset())
                        + "\nraw " + Hex.raw64(r.entry().raw());
            }
        }
        return "";
    }
}
