package dev.blockstep.app.gui.panels;

import static dev.blockstep.app.gui.panels.TimelinePanel.LABEL_W;
import static dev.blockstep.app.gui.panels.TimelinePanel.LANE_H;
import static dev.blockstep.app.gui.panels.TimelinePanel.RULER_H;

import dev.blockstep.app.gui.timeline.Lane;
import dev.blockstep.app.gui.timeline.Mark;
import dev.blockstep.app.gui.timeline.MarkKind;
import dev.blockstep.app.gui.timeline.Span;
import dev.blockstep.app.gui.timeline.SpanKind;
import dev.blockstep.app.gui.timeline.TimelineModel;
import java.util.List;
import java.util.function.IntFunction;
import javafx.scene.canvas.GraphicsContext;

/**
 * How one timeline lane and the step ruler look on the canvas, and what a lane's tooltip says at a step. The
 * panel decides which steps and lanes are visible; this draws them in the palette's colours.
 */
final class TimelinePainter {

    private final CanvasPalette palette;
    private final TimelineModel model;
    private final IntFunction<String> name;

    /** {@code name} gives the label of a coroutine's lane (and of the other coroutine a mark names). */
    TimelinePainter(CanvasPalette palette, TimelineModel model, IntFunction<String> name) {
        this.palette = palette;
        this.model = model;
        this.name = name;
    }

    /** Where step {@code step}'s column starts when {@code first} is the leftmost step shown at {@code px} a step. */
    static double x(int step, int first, double px) {
        return LABEL_W + (step - first) * px;
    }

    void ruler(GraphicsContext g, int first, int last, double px, double w) {
        int every = 1;
        while (every * px < 60) {
            every *= every % 10 == 0 || every == 1 ? 5 : 2;
        }
        g.setFill(palette.color("text"));
        for (int s = (first / every) * every; s <= last; s += every) {
            double sx = x(s, first, px);
            if (sx >= LABEL_W && sx < w) {
                g.fillText(Integer.toString(s + 1), sx + 2, RULER_H / 2);
                g.setStroke(palette.color("grid"));
                g.setLineWidth(0.5);
                g.strokeLine(sx, RULER_H - 4, sx, RULER_H);
            }
        }
    }

    /** The lane at height {@code y}: race windows under the spans, then the marks, then its label over the left. */
    void lane(GraphicsContext g, Lane lane, double y, int first, int last, double px, double w) {
        g.setStroke(palette.color("grid"));
        g.setLineWidth(0.5);
        g.strokeLine(0, y + LANE_H, Math.min(w, x(last, first, px)), y + LANE_H);
        List<Span> spans = lane.spansIn(first, last);
        for (Span s : spans) {
            if (s.kind() == SpanKind.RACE_WINDOW) {
                double x0 = x(Math.max(s.from(), first), first, px);
                double x1 = x(Math.min(s.isOpen() ? model.length() : s.to(), last), first, px);
                fill(g, "race-window", x0, y + 1, x1 - x0, LANE_H - 2);
                g.setStroke(palette.color("lock-drop"));
                g.setLineWidth(1);
                g.strokeRect(x0, y + 1, Math.max(1, x1 - x0), LANE_H - 2);
            }
        }
        for (Span s : spans) {
            double x0 = x(Math.max(s.from(), first), first, px);
            double x1 = x(Math.min(s.isOpen() ? model.length() : s.to(), last), first, px);
            switch (s.kind()) {
                case LOCK_HELD -> fill(g, "lock-held", x0, y + 3, x1 - x0, LANE_H - 6);
                case DATA_IO -> fill(g, "data-io", x0, y + 7, x1 - x0, LANE_H - 14);
                case WAIT -> {
                    g.setStroke(palette.color("wait"));
                    g.setLineWidth(2);
                    g.setLineDashes(4, 3);
                    g.strokeLine(x0, y + LANE_H / 2, x1, y + LANE_H / 2);
                    g.setLineDashes();
                }
                case RACE_WINDOW -> { }
            }
        }
        for (Mark m : lane.marksIn(first, last)) {
            double mx = x(m.step(), first, px);
            switch (m.kind()) {
                case STEP -> fill(g, "step", mx + px * 0.5 - 1, y + LANE_H - 5, 2, 4);
                case LOCK_DROP -> triangle(g, "lock-drop", mx + px * 0.5, y);
                case L2_WRITE -> fill(g, "l2-write", mx, y + 1, Math.max(2, px), 3);
                case REFCOUNT_FREED -> fill(g, "freed", mx, y + LANE_H - 4, Math.max(2, px), 3);
                case RACE_FREE -> cross(g, mx + px * 0.5, y + LANE_H / 2);
                case STDERR -> fill(g, "stderr", mx, y, Math.max(3, px), LANE_H);
                case FIX_TOGGLED -> fill(g, "fix", mx, y, 2, LANE_H);
            }
        }
        g.setFill(palette.color("background"));
        g.fillRect(0, y, LABEL_W, LANE_H);
        g.setFill(palette.color("text"));
        g.fillText(name.apply(lane.coroutine()), 4, y + LANE_H / 2);
    }

    /** What {@code lane} did at {@code step}: its marks there, and the spans open across it. */
    String describe(Lane lane, int step) {
        StringBuilder b = new StringBuilder("step " + (step + 1) + ", " + name.apply(lane.coroutine()));
        for (Mark m : lane.marksIn(step, step + 1)) {
            b.append('\n').append(m.kind() == MarkKind.STEP ? m.label() : "• " + m.label());
            if (m.other() >= 0) {
                b.append(' ').append(name.apply(m.other()));
            }
        }
        for (Span s : lane.spansIn(step, step + 1)) {
            b.append("\n").append(s.kind().name().toLowerCase().replace('_', ' ')).append(" since step ").append(s.from() + 1);
        }
        return b.toString();
    }

    /** The free that lands inside a race window: a red X across the lane. */
    private void cross(GraphicsContext g, double cx, double cy) {
        g.setStroke(palette.color("freed"));
        g.setLineWidth(2.5);
        g.strokeLine(cx - 6, cy - 6, cx + 6, cy + 6);
        g.strokeLine(cx - 6, cy + 6, cx + 6, cy - 6);
    }

    private void fill(GraphicsContext g, String key, double x, double y, double w, double h) {
        g.setFill(palette.color(key));
        g.fillRect(x, y, Math.max(1, w), h);
    }

    private void triangle(GraphicsContext g, String key, double cx, double y) {
        g.setFill(palette.color(key));
        g.fillPolygon(new double[]{cx - 6, cx + 6, cx}, new double[]{y, y, y + 10}, 3);
    }
}
