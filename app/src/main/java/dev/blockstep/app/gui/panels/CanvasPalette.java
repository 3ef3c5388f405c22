package dev.blockstep.app.gui.panels;

import java.util.HashMap;
import java.util.Map;
import javafx.scene.control.Label;
import javafx.scene.layout.Pane;
import javafx.scene.paint.Color;
import javafx.scene.paint.Paint;

/**
 * Colours for canvas drawings, read from CSS so the colour tokens stay in theme.css. Each key is a hidden
 * label with style class "swatch-KEY" whose -fx-text-fill the theme sets.
 */
public final class CanvasPalette extends Pane {

    private final Map<String, Label> swatches = new HashMap<>();
    /**
     * Colours already read. Reading one means restyling its swatch ({@code applyCss}), and a canvas asks for a
     * colour per shape it draws: hundreds of CSS passes per redraw, most of the FX thread's time in a step.
     */
    private final Map<String, Color> read = new HashMap<>();

    public CanvasPalette(String... keys) {
        setManaged(false);
        setVisible(false);
        for (String key : keys) {
            Label l = new Label();
            l.getStyleClass().add("swatch-" + key);
            swatches.put(key, l);
            getChildren().add(l);
            l.textFillProperty().addListener(o -> read.remove(key));
        }
    }

    /**
     * Runs {@code redraw} once after the theme changed any of these colours (a canvas keeps its pixels until it
     * is drawn again, so without this a theme switch would leave it in the old colours until the next step).
     */
    public void onChange(Runnable redraw) {
        boolean[] pending = {false};
        for (Label l : swatches.values()) {
            l.textFillProperty().addListener((o, was, now) -> {
                if (!pending[0]) {
                    pending[0] = true;
                    javafx.application.Platform.runLater(() -> {
                        pending[0] = false;
                        redraw.run();
                    });
                }
            });
        }
    }

    public Color color(String key) {
        Color known = read.get(key);
        if (known != null) {
            return known;
        }
        Label l = swatches.get(key);
        if (l == null) {
            return Color.MAGENTA;
        }
        l.applyCss();
        Paint p = l.getTextFill();
        Color c = p instanceof Color col ? col : Color.GRAY;
        if (l.getScene() != null) {
            // before the swatch is in a scene its colour is the default, not the theme's: read it again later
            read.put(key, c);
        }
        return c;
    }
}
