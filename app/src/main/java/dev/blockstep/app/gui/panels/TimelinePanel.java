package dev.blockstep.app.gui.panels;

import dev.blockstep.app.gui.session.SessionPanel;
import dev.blockstep.app.gui.session.SessionState;
import dev.blockstep.app.gui.timeline.Lane;
import dev.blockstep.app.gui.timeline.TimelineModel;
import dev.blockstep.app.gui.viewmodel.DebuggerViewModel;
import dev.blockstep.engine.snapshot.CoState;
import dev.blockstep.engine.snapshot.CoroutineView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javafx.geometry.Orientation;
import javafx.geometry.VPos;
import javafx.scene.Node;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollBar;
import javafx.scene.control.Slider;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.shape.Line;
import javafx.scene.shape.Rectangle;
import javafx.scene.text.Font;

/**
 * Swimlanes per coroutine over steps: lock-held spans, lock drops, data I/O and waits. Drawn on a canvas,
 * and only the visible steps and lanes are drawn, so a 10^5-step history scrolls and zooms freely.
 * Clicking a step travels there.
 */
public final class TimelinePanel implements SessionPanel {

    static final double LABEL_W = 90;
    static final double LANE_H = 22;
    static final double RULER_H = 18;

    private final DebuggerViewModel vm;
    private final TimelineModel model = new TimelineModel();
    private final Canvas canvas = new Canvas(800, 200);
    private final Pane canvasHolder = new Pane(canvas);
    private final ScrollBar hbar = new ScrollBar();
    private final ScrollBar vbar = new ScrollBar();
    private final Slider zoom = new Slider(0.05, 40, 12);
    private final Tooltip tip = new Tooltip();
    private final CanvasPalette palette = new CanvasPalette("lock-held", "data-io", "wait", "lock-drop", "l2-write",
            "freed", "stderr", "fix", "step", "cursor", "text", "background", "grid", "race-window", "future");
    private final TimelinePainter painter = new TimelinePainter(palette, model, this::name);
    private final CheckBox collapse = new CheckBox("Collapse finished lanes");
    /** Lanes shown, in order; finished ones are left out while collapsed. */
    private List<Lane> rows = List.of();
    private int collapsedCount;
    /** The coroutines finished at the current step, by id (a bit set: a jump refills it for thousands of them). */
    private final java.util.BitSet done = new java.util.BitSet();
    /** The current snapshot's coroutines, read into {@link #names} only when a lane the history left unnamed is drawn. */
    private List<CoroutineView> unread = List.of();
    private int generation = -1;
    private final BorderPane root = new BorderPane();
    private final Map<Integer, String> names = new HashMap<>();
    private int current;
    private boolean followEnd = true;
    /**
     * The cursor and the dimmed known future are nodes over the canvas, not drawn in it: a step that leaves the
     * visible lanes as they were moves only these two, and the canvas keeps its pixels. Redrawing a canvas marks
     * all of it for repainting, and on the software renderer a full-width timeline cost more than the rest of a
     * step's frame.
     */
    private final Line cursor = new Line();
    private final Rectangle future = new Rectangle();
    /** What the canvas was last drawn from; a step that leaves it equal does not redraw the canvas. */
    private Drawn drawn;
    private int redraws;
    /** In presentation mode the timeline asks for room for every lane of a small run (see {@link #minLanes}). */
    private boolean presentation;
    private int minLanes = -1;

    /** Everything the canvas's pixels depend on, besides the palette (whose change redraws at once). */
    private record Drawn(int first, int firstLane, double zoom, double width, double height, int generation,
                         int length, List<Integer> rows, List<String> labels, int collapsed) {
    }

    public TimelinePanel(DebuggerViewModel vm) {
        this.vm = vm;
        canvas.setId("timeline-canvas");
        zoom.setId("timeline-zoom");
        hbar.setId("timeline-hbar");
        cursor.setId("timeline-cursor");
        future.setId("timeline-future");
        cursor.setStrokeWidth(2);
        cursor.setMouseTransparent(true);
        future.setMouseTransparent(true);
        cursor.setManaged(false);
        future.setManaged(false);
        canvasHolder.getChildren().addAll(future, cursor, palette);
        palette.onChange(this::redraw);
        canvas.widthProperty().bind(canvasHolder.widthProperty());
        canvas.heightProperty().bind(canvasHolder.heightProperty());
        canvas.widthProperty().addListener(o -> redraw());
        canvas.heightProperty().addListener(o -> redraw());
        vbar.setOrientation(Orientation.VERTICAL);
        hbar.valueProperty().addListener(o -> {
            followEnd = hbar.getValue() >= hbar.getMax() - 1;
            redraw();
        });
        vbar.valueProperty().addListener(o -> redraw());
        zoom.valueProperty().addListener(o -> {
            updateBars();
            redraw();
        });
        canvas.setOnScroll(e -> {
            if (e.isControlDown()) {
                zoom.setValue(zoom.getValue() * (e.getDeltaY() > 0 ? 1.25 : 0.8));
            } else if (e.isShiftDown() || Math.abs(e.getDeltaX()) > Math.abs(e.getDeltaY())) {
                double d = e.getDeltaX() != 0 ? e.getDeltaX() : e.getDeltaY();
                hbar.setValue(clamp(hbar.getValue() - d / zoom.getValue(), hbar.getMin(), hbar.getMax()));
            } else {
                vbar.setValue(clamp(vbar.getValue() - e.getDeltaY() / LANE_H, vbar.getMin(), vbar.getMax()));
            }
        });
        Tooltip.install(canvas, tip);
        canvas.setOnMouseMoved(e -> tip.setText(tooltipAt(e.getX(), e.getY())));
        canvas.setOnMouseClicked(e -> {
            int step = stepAt(e.getX());
            if (step >= 0 && e.getX() > LABEL_W) {
                vm.goToStep(step + 1);
            }
        });
        Label zoomLabel = new Label("zoom");
        // the words a class reads keep their width; the hint gives way whole (the row's tooltip keeps it)
        zoomLabel.setMinWidth(Region.USE_PREF_SIZE);
        collapse.setMinWidth(Region.USE_PREF_SIZE);
        collapse.setId("timeline-collapse");
        collapse.setSelected(true);
        collapse.selectedProperty().addListener(o -> {
            updateRows();
            updateBars();
            redraw();
        });
        String hint = "Ctrl+wheel zooms, wheel scrolls lanes, click travels to a step";
        HBox controls = new HBox(6, zoomLabel, zoom, collapse, new WholeOrHiddenLabel(hint));
        Tooltip.install(controls, new Tooltip(hint));
        controls.getStyleClass().add("timeline-controls");
        FlowPane legend = TimelineLegend.create();
        BorderPane center = new BorderPane(canvasHolder);
        center.setBottom(hbar);
        center.setRight(vbar);
        // a short window drops whole legend rows, never the lanes: the canvas keeps room for the ruler and two lanes
        askForLanes(2);
        HBox.setHgrow(zoom, Priority.NEVER);
        VBox.setVgrow(center, Priority.ALWAYS);
        root.setCenter(new VBox(2, controls, legend, center));
        root.setId("timeline");
    }

    public Node node() {
        return root;
    }

    public TimelineModel model() {
        return model;
    }

    @Override
    public String panelName() {
        return "Timeline";
    }

    @Override
    public void stepDidChange(SessionState state) {
        int cs = state.snapshot().image() == null ? 65536 : state.snapshot().image().clusterSize();
        model.follow(state.known() == null ? state.steps() : state.known(), cs);
        if (model.generation() != generation) {
            generation = model.generation();
            names.clear();
        }
        done.clear();
        for (CoroutineView c : state.snapshot().coroutines()) {
            if (c.state() == CoState.DONE && c.id() >= 0) {
                done.set(c.id());
            }
        }
        unread = state.snapshot().coroutines();
        current = state.snapshot().step();
        updateRows();
        updateBars();
        if (followEnd || current < hbar.getValue() || current > hbar.getValue() + visibleSteps()) {
            hbar.setValue(clamp(current - visibleSteps() * 0.8, 0, hbar.getMax()));
        }
        if (!drawing().equals(drawn)) {
            redraw();
        } else {
            placeCursor();
        }
    }

    private Drawn drawing() {
        int firstLane = (int) Math.floor(vbar.getValue());
        int lastLane = Math.min(rows.size(), firstLane + visibleLanes() + 1);
        List<Integer> shown = new ArrayList<>(Math.max(0, lastLane - firstLane));
        List<String> labels = new ArrayList<>(shown.size());
        for (int li = firstLane; li < lastLane; li++) {
            shown.add(rows.get(li).coroutine());
            labels.add(name(rows.get(li).coroutine()));
        }
        return new Drawn((int) Math.floor(hbar.getValue()), firstLane, zoom.getValue(), canvas.getWidth(),
                canvas.getHeight(), model.generation(), model.length(), shown, labels, collapsedCount);
    }

    private double visibleSteps() {
        return Math.max(1, (canvas.getWidth() - LABEL_W) / zoom.getValue());
    }

    private int visibleLanes() {
        return Math.max(1, (int) ((canvas.getHeight() - RULER_H) / LANE_H));
    }

    /** How many whole lanes the canvas has room for below its ruler, at its current size. */
    public int lanesThatFit() {
        return (int) ((canvas.getHeight() - RULER_H) / LANE_H);
    }

    /** The label drawn at the left of {@code coroutine}'s lane. */
    public String laneLabel(int coroutine) {
        return name(coroutine);
    }

    public List<Integer> shownLanes() {
        return rows.stream().map(Lane::coroutine).toList();
    }

    /** How many finished lanes the collapse hides. */
    public int collapsedLanes() {
        return collapsedCount;
    }

    public CheckBox collapseFinished() {
        return collapse;
    }

    /** Presentation mode on or off (see {@link #minLanes}). */
    public void setPresentation(boolean on) {
        presentation = on;
        askForLanes(minLanes());
    }

    /**
     * How many lanes the canvas asks room for. Two, so that a short window gives its rows to the lanes only after
     * the legend. In presentation mode, every lane of a run that has at most four (minimal-race has the qemu-io
     * loop, W1 and Z2): a class must see both requests of the race at step 0, beside the guide card.
     */
    int minLanes() {
        int lanes = rows.size() + (collapsedCount > 0 ? 1 : 0);
        return presentation ? Math.max(2, Math.min(4, lanes)) : 2;
    }

    private void askForLanes(int lanes) {
        if (lanes != minLanes) {
            minLanes = lanes;
            canvasHolder.setMinSize(0, RULER_H + lanes * LANE_H);
            // the canvas follows the holder, so the holder asks only for its minimum and takes what is left
            canvasHolder.setPrefHeight(RULER_H + lanes * LANE_H);
        }
    }

    private void updateRows() {
        List<Lane> all = model.lanes();
        if (collapse.isSelected()) {
            List<Lane> open = new ArrayList<>();
            for (Lane l : all) {
                if (l.coroutine() < 0 || !done.get(l.coroutine())) {
                    open.add(l);
                }
            }
            collapsedCount = all.size() - open.size();
            rows = open;
        } else {
            rows = all;
            collapsedCount = 0;
        }
        askForLanes(minLanes());
    }

    private void updateBars() {
        hbar.setMin(0);
        hbar.setMax(Math.max(0, model.length() - visibleSteps() + 2));
        hbar.setVisibleAmount(visibleSteps());
        vbar.setMin(0);
        vbar.setMax(Math.max(0, rows.size() + (collapsedCount > 0 ? 1 : 0) - visibleLanes()));
        vbar.setVisibleAmount(visibleLanes());
    }

    /** How many times the canvas has been drawn: a test's view of the work a step costs. */
    public int canvasRedraws() {
        return redraws;
    }

    private void redraw() {
        redraws++;
        drawn = drawing();
        GraphicsContext g = canvas.getGraphicsContext2D();
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        double px = zoom.getValue();
        g.setFill(palette.color("background"));
        g.fillRect(0, 0, w, h);
        int first = (int) Math.floor(hbar.getValue());
        // The axis and the lanes stop at the last known step.
        int last = Math.min(model.length(), (int) Math.ceil(first + visibleSteps()) + 1);
        int firstLane = (int) Math.floor(vbar.getValue());
        int lastLane = Math.min(rows.size(), firstLane + visibleLanes() + 1);
        g.setFont(Font.font("DejaVu Sans", 10));
        g.setTextBaseline(VPos.CENTER);
        painter.ruler(g, first, last, px, w);
        for (int li = firstLane; li < lastLane; li++) {
            painter.lane(g, rows.get(li), RULER_H + (li - firstLane) * LANE_H, first, last, px, w);
        }
        if (collapsedCount > 0 && rows.size() >= firstLane && rows.size() < lastLane + 1) {
            double y = RULER_H + (rows.size() - firstLane) * LANE_H;
            g.setFill(palette.color("text"));
            g.fillText("+ " + collapsedCount + " finished lane" + (collapsedCount == 1 ? "" : "s") + " collapsed",
                    4, y + LANE_H / 2);
        }
        placeCursor();
    }

    /** The cursor after the current step, and the known steps past it dimmed (they stay drawn). */
    private void placeCursor() {
        double px = zoom.getValue();
        double h = canvas.getHeight();
        int first = (int) Math.floor(hbar.getValue());
        int last = Math.min(model.length(), (int) Math.ceil(first + visibleSteps()) + 1);
        double end = Math.min(canvas.getWidth(), TimelinePainter.x(last, first, px));
        double cx = TimelinePainter.x(current - 1, first, px) + px;
        boolean dim = cx < end && end > LABEL_W;
        future.setVisible(dim);
        if (dim) {
            double from = Math.max(LABEL_W, cx);
            future.setFill(palette.color("future"));
            future.setX(from);
            future.setY(RULER_H);
            future.setWidth(end - from);
            future.setHeight(Math.max(0, h - RULER_H));
        }
        cursor.setVisible(cx >= LABEL_W);
        if (cx >= LABEL_W) {
            cursor.setStroke(palette.color("cursor"));
            cursor.setStartX(cx);
            cursor.setEndX(cx);
            cursor.setStartY(0);
            cursor.setEndY(h);
        }
    }

    /**
     * The history's name first: a lane drawn at step 0 for a coroutine that starts later is in no snapshot yet. The
     * current snapshot names the rest (the qemu-io loop, a request that has not reached its start).
     */
    private String name(int co) {
        Lane lane = model.find(co);
        if (lane != null && lane.name() != null) {
            return lane.name();
        }
        if (!names.containsKey(co) && !unread.isEmpty()) {
            for (CoroutineView c : unread) {
                names.put(c.id(), c.name());
            }
            unread = List.of();
        }
        return names.getOrDefault(co, "co " + co);
    }

    private int stepAt(double mx) {
        int step = (int) Math.floor(hbar.getValue() + (mx - LABEL_W) / zoom.getValue());
        return step >= 0 && step < model.length() ? step : -1;
    }

    private String tooltipAt(double mx, double my) {
        int step = stepAt(mx);
        int li = (int) Math.floor(vbar.getValue()) + (int) ((my - RULER_H) / LANE_H);
        if (step < 0 || my < RULER_H || li < 0 || li >= rows.size()) {
            return "";
        }
        return painter.describe(rows.get(li), step);
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
