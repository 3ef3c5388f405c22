package dev.blockstep.app.diagram;

import dev.blockstep.app.gui.timeline.TimelineModel;
import dev.blockstep.engine.snapshot.CoroutineView;
import dev.blockstep.engine.snapshot.Snapshot;
import dev.blockstep.engine.snapshot.StepHistory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Writes a run's sequence diagram to the one file asked for, as SVG or PNG by its extension. */
public final class DiagramExport {

    /** The formats, told by the output's extension. */
    public enum Format { SVG, PNG }

    private DiagramExport() {
    }

    /** The format of {@code out}, or null when its name ends in neither .svg nor .png. */
    public static Format formatOf(Path out) {
        String n = out.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".svg") ? Format.SVG : n.endsWith(".png") ? Format.PNG : null;
    }

    /**
     * Draws {@code steps} (the run so far; names from {@code at}) and writes it to {@code out}.
     *
     * @throws IllegalArgumentException when {@code out} is neither .svg nor .png
     */
    public static void write(StepHistory steps, Snapshot at, String title, Path out) throws IOException {
        Format f = formatOf(out);
        if (f == null) {
            throw new IllegalArgumentException(out.getFileName() + ": expected a file name ending in .svg or .png");
        }
        TimelineModel model = new TimelineModel();
        model.follow(steps, at.image() == null ? 65536 : at.image().clusterSize());
        Map<Integer, String> names = new HashMap<>();
        for (CoroutineView c : at.coroutines()) {
            names.put(c.id(), c.name());
        }
        ThemeColours colours = ThemeColours.light();
        SequenceDiagram d = new SequenceDiagram(model, co -> names.getOrDefault(co, "co " + co), title, colours);
        if (f == Format.SVG) {
            SvgPen pen = new SvgPen(d.width(), d.height());
            d.draw(pen);
            Files.writeString(out, pen.document(), StandardCharsets.UTF_8);
        } else {
            PngPen pen = new PngPen(d.width(), d.height(), 2, colours.get("panel"));
            d.draw(pen);
            pen.save(out);
        }
    }
}
