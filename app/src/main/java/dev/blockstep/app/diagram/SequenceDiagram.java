package dev.blockstep.app.diagram;

import dev.blockstep.app.gui.timeline.Lane;
import dev.blockstep.app.gui.timeline.Mark;
import dev.blockstep.app.gui.timeline.Span;
import dev.blockstep.app.gui.timeline.SpanKind;
import dev.blockstep.app.gui.timeline.TimelineModel;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The run as a sequence diagram for slides: one lane per coroutine over the steps, with lock ownership, data
 * I/O, waits, the race window (lock drop to L2 relink), the frees (a cross where one lands inside a race window)
 * and the relinks. One layout, drawn by any {@link Pen}: SVG or PNG.
 */
public final class SequenceDiagram {

    static final double LABEL_W = 70;
    static final double TOP = 40;
    static final double RULER_H = 18;
    static final double LANE_H = 30;
    static final double LEGEND_H = 46;
    static final double RIGHT = 20;
    /** More lanes than a slide can hold are left out, with a note. */
    static final int MAX_LANES = 40;

    private final TimelineModel model;
    private final IntFunction<String> names;
    private final String title;
    private final ThemeColours colours;
    private final double px;
    private final List<Lane> lanes;

    /** @param names the engine's name of each coroutine (W1) */
    public SequenceDiagram(TimelineModel model, IntFunction<String> names, String title, ThemeColours colours) {
        this.model = model;
        this.names = names;
        this.title = title;
        this.colours = colours;
        this.px = Math.max(3, Math.min(28, 1100.0 / Math.max(1, model.length())));
        this.lanes = model.lanes().subList(0, Math.min(MAX_LANES, model.lanes().size()));
    }

    public double width() {
        return LABEL_W + model.length() * px + RIGHT;
    }

    public double height() {
        return TOP + RULER_H + lanes.size() * LANE_H + LEGEND_H;
    }

    public void draw(Pen pen) {
        String text = colours.get("text");
        pen.rect(0, 0, width(), height(), colours.get("panel"), null);
        pen.text(8, 22, title + " (" + model.length() + " steps)", 15, text, true);
        drawRuler(pen);
        for (int i = 0; i < lanes.size(); i++) {
            drawLane(pen, lanes.get(i), TOP + RULER_H + i * LANE_H);
        }
        double legendY = TOP + RULER_H + lanes.size() * LANE_H + 16;
        if (model.lanes().size() > lanes.size()) {
            pen.text(8, legendY - 4, "… " + (model.lanes().size() - lanes.size()) + " more lanes not shown", 10,
                    colours.get("muted"), false);
        }
        drawLegend(pen, legendY + 12);
    }

    private double x(int step) {
        return LABEL_W + step * px;
    }

    private void drawRuler(Pen pen) {
        int every = 1;
        while (every * px < 40) {
            every *= every % 10 == 0 || every == 1 ? 5 : 2;
        }
        for (int s = 0; s <= model.length(); s += every) {
            pen.line(x(s), TOP + RULER_H - 4, x(s), TOP + RULER_H, colours.get("muted"), 0.7, false);
            if (s > 0) {
                pen.text(x(s) - px + 1, TOP + RULER_H - 6, Integer.toString(s), 9, colours.get("muted"), false);
            }
        }
    }

    private void drawLane(Pen pen, Lane lane, double y) {
        double end = x(model.length());
        pen.line(LABEL_W, y + LANE_H, end, y + LANE_H, colours.get("grid"), 0.5, false);
        pen.text(6, y + LANE_H / 2 + 4, names.apply(lane.coroutine()), 12, colours.get("text"), true);
        for (Span s : lane.spans()) {
            if (s.kind() == SpanKind.RACE_WINDOW) {
                double x0 = x(s.from());
                double x1 = x(s.isOpen() ? model.length() : s.to());
                pen.rect(x0, y + 1, x1 - x0, LANE_H - 2, colours.get("race"), colours.get("drop"));
            }
        }
        for (Span s : lane.spans()) {
            double x0 = x(s.from());
            double x1 = x(s.isOpen() ? model.length() : s.to());
            switch (s.kind()) {
                case LOCK_HELD -> pen.rect(x0, y + 5, x1 - x0, LANE_H - 10, colours.get("lock"), null);
                case DATA_IO -> pen.rect(x0, y + 10, x1 - x0, LANE_H - 20, colours.get("io"), null);
                case WAIT -> pen.line(x0, y + LANE_H / 2, x1, y + LANE_H / 2, colours.get("wait"), 2, true);
                case RACE_WINDOW -> { }
            }
        }
        for (Mark m : lane.marks()) {
            double mx = x(m.step());
            double cx = mx + px / 2;
            switch (m.kind()) {
                case LOCK_DROP -> pen.polygon(new double[] {cx - 6, cx + 6, cx}, new double[] {y, y, y + 10},
                        colours.get("drop"));
                case L2_WRITE -> pen.rect(mx, y + 1, Math.max(2, px), 4, colours.get("changed"), null);
                case REFCOUNT_FREED -> pen.rect(mx, y + LANE_H - 5, Math.max(2, px), 4, colours.get("bad"), null);
                case RACE_FREE -> {
                    double cy = y + LANE_H / 2;
                    pen.line(cx - 6, cy - 6, cx + 6, cy + 6, colours.get("bad"), 2.5, false);
                    pen.line(cx - 6, cy + 6, cx + 6, cy - 6, colours.get("bad"), 2.5, false);
                }
                case STDERR -> pen.rect(mx, y, Math.max(3, px), LANE_H, colours.get("bad"), null);
                case FIX_TOGGLED -> pen.rect(mx, y, 2, LANE_H, colours.get("accent"), null);
                case STEP -> { }
            }
        }
        for (Span s : lane.spans()) {
            if (s.kind() == SpanKind.RACE_WINDOW && !s.isOpen()) {
                pen.text(x(s.to()) + 2, y + 11, "relink", 9, colours.get("text"), false);
            }
        }
    }

    private void drawLegend(Pen pen, double y) {
        String[][] items = {{"lock", "holds s->lock"}, {"io", "data I/O"}, {"wait", "waits"},
            {"drop", "drops s->lock"}, {"race", "race window: lock drop to L2 relink"},
            {"bad", "free (cross: inside a race window)"}, {"changed", "L2 write"}};
        double x = 8;
        for (String[] item : items) {
            pen.rect(x, y - 9, 14, 10, colours.get(item[0]), item[0].equals("race") ? colours.get("drop") : null);
            pen.text(x + 18, y, item[1], 10, colours.get("text"), false);
            x += 26 + item[1].length() * 5.6;
        }
    }
}
